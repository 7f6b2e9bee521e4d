import type { FrameworkSpec } from '../types.js';

// PCI DSS v4.0 requirements that configuration rules can evidence (defined approach requirements).
export const pciDss: FrameworkSpec = {
  id: 'pci-dss',
  name: 'PCI DSS',
  version: '4.0',
  metadataIds: ['pci-dss-4.0'],
  references: ['https://docs-prv.pcisecuritystandards.org/PCI%20DSS/Standard/PCI-DSS-v4_0.pdf'],
  controls: [
    { id: '1.3.1', title: 'Inbound traffic to the CDE is restricted to only that which is necessary', rules: ['BLW-AWS-025', 'BLW-ALI-010'] },
    { id: '1.4.1', title: 'NSCs are implemented between trusted and untrusted networks' },
    { id: '3.5.1', title: 'PAN is rendered unreadable anywhere it is stored (strong cryptography)', rules: ['BLW-AWS-072', 'BLW-AWS-073', 'BLW-AWS-109', 'BLW-AWS-113', 'BLW-AWS-114', 'BLW-ALI-002'] },
    { id: '7.2.1', title: 'An access control model is defined that grants access on least privilege', rules: ['BLW-AWS-057', 'BLW-ALI-021', 'BLW-K8S-312', 'BLW-K8S-330'] },
    { id: '8.3.2', title: 'Strong cryptography renders all authentication factors unreadable during transmission and storage', rules: ['BLW-K8S-201', 'BLW-AWS-035', 'BLW-AWS-162'] },
    { id: '10.2.1', title: 'Audit logs are enabled and active for all system components and cardholder data', rules: ['BLW-AWS-090', 'BLW-AWS-094', 'BLW-ALI-003', 'BLW-K8S-120'] },
  ],
};
