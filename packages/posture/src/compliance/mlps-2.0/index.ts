import type { FrameworkSpec } from '../types.js';

// 等保2.0: GB/T 22239-2019《信息安全技术 网络安全等级保护基本要求》, level 3 general requirements (8.1). Only
// controls that configuration rules can evidence are listed.
export const mlps20: FrameworkSpec = {
  id: 'mlps-2.0',
  name: 'MLPS 2.0 (GB/T 22239-2019) level 3',
  nameZh: '网络安全等级保护2.0（GB/T 22239-2019）第三级',
  version: '2019',
  metadataIds: ['mlps-2.0'],
  references: ['https://openstd.samr.gov.cn/bzgk/gb/newGbInfo?hcno=BAFB47E8874764186BDB7865E8344DAF'],
  controls: [
    { id: '8.1.2.2', title: 'Secure communication network: communication transmission (cryptography in transit)', titleZh: '安全通信网络—通信传输', rules: ['BLW-K8S-103', 'BLW-K8S-160', 'BLW-K8S-163', 'BLW-AWS-126'] },
    { id: '8.1.3.2', title: 'Secure area boundary: access control', titleZh: '安全区域边界—访问控制', rules: ['BLW-AWS-022', 'BLW-AWS-025', 'BLW-K8S-401'] },
    { id: '8.1.4.1', title: 'Secure computing environment: identity authentication', titleZh: '安全计算环境—身份鉴别', rules: ['BLW-AWS-054', 'BLW-K8S-100', 'BLW-K8S-170'] },
    { id: '8.1.4.2', title: 'Secure computing environment: access control (least privilege)', titleZh: '安全计算环境—访问控制', rules: ['BLW-AWS-057', 'BLW-AWS-058', 'BLW-K8S-312', 'BLW-K8S-320', 'BLW-K8S-330'] },
    { id: '8.1.4.3', title: 'Secure computing environment: security audit', titleZh: '安全计算环境—安全审计', rules: ['BLW-AWS-012', 'BLW-AWS-090', 'BLW-AWS-094', 'BLW-K8S-120', 'BLW-K8S-133'] },
    { id: '8.1.4.8', title: 'Secure computing environment: data confidentiality', titleZh: '安全计算环境—数据保密性', rules: ['BLW-AWS-072', 'BLW-AWS-073', 'BLW-AWS-103', 'BLW-AWS-105', 'BLW-AWS-109', 'BLW-K8S-131'] },
  ],
};
