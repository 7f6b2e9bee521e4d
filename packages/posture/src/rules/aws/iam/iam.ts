import { attr, isSet, isTrue, listOf, refersTo } from '../../../terraform/cloud-model.js';
import type { CloudResource } from '../../../terraform/cloud-model.js';
import { defineCloudRule } from '../../../terraform/cloud-rule.js';
import { attrRule, isPublicPrincipal, statementsIn, trivy } from '../helpers.js';
import type { Statement } from '../helpers.js';

const PASSWORD = ['aws_iam_account_password_policy'];
const CIS_PW = [{ framework: 'cis-aws-3.0', control: '1.8' }];

const pw = (id: string, n: string, field: string, what: string, ckv: string): ReturnType<typeof attrRule> =>
  attrRule({
    id,
    title: `IAM password policy does not require ${what}`,
    severity: 'medium',
    description: `Passwords without ${what} are easier to guess or brute-force.`,
    remediation: `Set ${field} = true on aws_iam_account_password_policy.`,
    aliases: [...trivy(n), ckv],
    frameworks: CIS_PW,
    paths: { [PASSWORD[0]!]: field },
    ok: isTrue,
  });

export const pwLowercase = pw('BLW-AWS-050', '0058', 'require_lowercase_characters', 'lowercase letters', 'CKV_AWS_11');
export const pwNumbers = pw('BLW-AWS-051', '0059', 'require_numbers', 'numbers', 'CKV_AWS_12');
export const pwSymbols = pw('BLW-AWS-052', '0060', 'require_symbols', 'symbols', 'CKV_AWS_14');
export const pwUppercase = pw('BLW-AWS-053', '0061', 'require_uppercase_characters', 'uppercase letters', 'CKV_AWS_15');

export const pwLength = attrRule({
  id: 'BLW-AWS-054',
  title: 'IAM password policy minimum length is below 14',
  severity: 'medium',
  description: 'Short passwords are easier to brute-force.',
  remediation: 'Set minimum_password_length = 14 or more.',
  aliases: [...trivy('0063'), 'CKV_AWS_10'],
  frameworks: CIS_PW,
  paths: { aws_iam_account_password_policy: 'minimum_password_length' },
  ok: (v) => typeof v === 'number' && v >= 14,
});

export const rootAccessKey = defineCloudRule({
  id: 'BLW-AWS-055',
  title: 'Access key created for the root user',
  severity: 'critical',
  description: 'Root access keys have unrestricted access to the account and cannot be limited by IAM policies.',
  remediation: 'Delete root access keys; use IAM roles or users with least privilege.',
  aliases: [...trivy('0141'), 'CKV_AWS_348'],
  frameworks: [{ framework: 'cis-aws-3.0', control: '1.4' }],
  resourceTypes: ['aws_iam_access_key'],
  check: (r, model) => {
    const u = attr(r, 'user');
    const user = model.resources.find((x) => x.type === 'aws_iam_user' && refersTo(u, x, ['name']));
    const name = user ? attr(user, 'name') : u;
    return name === 'root' ? [{ message: 'Access key for the root user.', path: ['user'] }] : [];
  },
});

export const userAttachedPolicy = defineCloudRule({
  id: 'BLW-AWS-056',
  title: 'IAM policy is attached directly to a user',
  severity: 'low',
  description: 'Policies attached to users (not groups or roles) make permissions hard to review and revoke.',
  remediation: 'Attach policies to groups or roles and add users to groups.',
  aliases: [...trivy('0143'), 'CKV_AWS_40'],
  frameworks: [{ framework: 'cis-aws-3.0', control: '1.15' }],
  resourceTypes: ['aws_iam_user_policy', 'aws_iam_user_policy_attachment', 'aws_iam_policy_attachment', 'AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy'],
  check: (r) => {
    if (r.type === 'aws_iam_user_policy' || r.type === 'aws_iam_user_policy_attachment') return [{ message: `${r.label} attaches a policy to a user.` }];
    const users = attr(r, r.provider === 'terraform' ? 'users' : 'Users');
    return listOf(users).length > 0 ? [{ message: 'Policy attached to users.', path: [r.provider === 'terraform' ? 'users' : 'Users'] }] : [];
  },
});

const POLICY_TYPES: Record<string, string> = {
  aws_iam_policy: 'policy',
  aws_iam_role_policy: 'policy',
  aws_iam_user_policy: 'policy',
  aws_iam_group_policy: 'policy',
  'AWS::IAM::Policy': 'PolicyDocument',
  'AWS::IAM::ManagedPolicy': 'PolicyDocument',
};

function policyStatements(r: CloudResource, model: Parameters<typeof statementsIn>[0]): Statement[] {
  const p = POLICY_TYPES[r.type];
  return p ? statementsIn(model, attr(r, p)) : [];
}

export const adminPolicy = defineCloudRule({
  id: 'BLW-AWS-057',
  title: 'IAM policy grants full administrative privileges',
  severity: 'high',
  description: 'A statement allowing Action "*" on Resource "*" grants every permission in the account.',
  remediation: 'Grant only the actions and resources the principal needs.',
  aliases: ['CKV_AWS_62', 'CKV_AWS_63', 'CKV_AWS_1'],
  frameworks: [{ framework: 'cis-aws-3.0', control: '1.16' }],
  resourceTypes: Object.keys(POLICY_TYPES),
  check: (r, model) =>
    policyStatements(r, model).some((s) => s.effect === 'Allow' && s.actions.includes('*') && s.resources.includes('*'))
      ? [{ message: 'Policy allows "*" on "*".', path: [POLICY_TYPES[r.type]!] }]
      : [],
});

export const wildcardPolicy = defineCloudRule({
  id: 'BLW-AWS-058',
  title: 'IAM policy uses wildcards in actions or resources',
  severity: 'high',
  description: 'Wildcard actions ("s3:*") or resources ("*") grant more than the principal needs.',
  remediation: 'List the specific actions and resource ARNs.',
  aliases: trivy('0057'),
  resourceTypes: Object.keys(POLICY_TYPES),
  check: (r, model) => {
    const bad = policyStatements(r, model).filter((s) => s.effect === 'Allow' && (s.actions.some((a) => a === '*' || a.endsWith(':*')) || (s.resources.includes('*') && !s.actions.every(isReadOnlyListAction))));
    return bad.length ? [{ message: 'Policy uses wildcard actions or resources.', path: [POLICY_TYPES[r.type]!] }] : [];
  },
});

/** Actions that only work on "*" (no resource-level permissions): Describe*, List*, Get* of account-level APIs. */
function isReadOnlyListAction(a: string): boolean {
  return /:(Describe|List)[A-Za-z]*\*?$/.test(a);
}

export const s3FullAccess = defineCloudRule({
  id: 'BLW-AWS-059',
  title: 'IAM policy grants s3:* on all buckets',
  severity: 'high',
  description: 's3:* on "*" lets the principal read, delete and re-permission every bucket in the account.',
  remediation: 'Grant specific S3 actions on specific bucket ARNs.',
  aliases: trivy('0345'),
  resourceTypes: Object.keys(POLICY_TYPES),
  check: (r, model) =>
    policyStatements(r, model).some((s) => s.effect === 'Allow' && s.actions.some((a) => a === 's3:*' || a === '*') && s.resources.some((x) => x === '*' || x === 'arn:aws:s3:::*'))
      ? [{ message: 'Policy grants s3:* on all buckets.', path: [POLICY_TYPES[r.type]!] }]
      : [],
});

export const publicAssumeRole = defineCloudRule({
  id: 'BLW-AWS-060',
  title: 'IAM role can be assumed by anyone',
  severity: 'critical',
  description: 'An assume-role policy allowing Principal "*" lets any AWS account assume the role.',
  remediation: 'Name the trusted accounts, services or federated principals.',
  aliases: ['CKV_AWS_60'],
  resourceTypes: ['aws_iam_role', 'AWS::IAM::Role'],
  check: (r, model) => {
    const p = r.provider === 'terraform' ? 'assume_role_policy' : 'AssumeRolePolicyDocument';
    const bad = statementsIn(model, attr(r, p)).filter((s) => s.effect === 'Allow' && isPublicPrincipal(s.principals) && !isSet(s.condition));
    return bad.length ? [{ message: 'Role trust policy allows any principal.', path: [p] }] : [];
  },
});

export const groupMfa = defineCloudRule({
  id: 'BLW-AWS-061',
  title: 'IAM group does not enforce MFA',
  severity: 'medium',
  description: 'Without an MFA condition, group members can use their permissions with a password alone.',
  remediation: 'Attach a group policy that denies actions when aws:MultiFactorAuthPresent is false.',
  aliases: trivy('0123'),
  resourceTypes: ['aws_iam_group'],
  check: (g, model) => {
    const requiresMfa = (policy: CloudResource | undefined, path: string): boolean =>
      policy !== undefined && statementsIn(model, attr(policy, path)).some((s) => JSON.stringify(s.condition ?? '').includes('aws:MultiFactorAuthPresent'));
    for (const p of model.resources) {
      if (!refersTo(attr(p, 'group'), g, ['name'])) continue;
      if (p.type === 'aws_iam_group_policy' && requiresMfa(p, 'policy')) return [];
      if (p.type === 'aws_iam_group_policy_attachment') {
        const pol = model.resources.find((x) => x.type === 'aws_iam_policy' && refersTo(attr(p, 'policy_arn'), x));
        if (requiresMfa(pol, 'policy')) return [];
      }
    }
    return [{ message: `${g.label} has no policy that requires MFA.` }];
  },
});


/** Actions whose API response carries credentials (cloudsplaining's ACTIONS_THAT_RETURN_CREDENTIALS, lower case). */
const CREDENTIAL_ACTIONS = [
  'airflow:createclitoken',
  'airflow:createweblogintoken',
  'appsync:createapikey',
  'chime:createapikey',
  'cloud9:createenvironmenttoken',
  'codeartifact:getauthorizationtoken',
  'codepipeline:pollforjobs',
  'cognito-identity:getopenidtoken',
  'cognito-identity:getopenidtokenfordeveloperidentity',
  'cognito-identity:getcredentialsforidentity',
  'cognito-idp:getsigningcertificate',
  'connect:getfederationtoken',
  'connect:getfederationtokens',
  'ec2:getpassworddata',
  'emr-containers:getmanagedendpointsessioncredentials',
  'finspace-api:getprogrammaticaccesscredentials',
  'gamelift:requestuploadcredentials',
  'gamelift:getinstanceaccess',
  'gamelift:getcomputeaccess',
  'gamelift:getcomputeauthtoken',
  'grafana:createworkspaceapikey',
  'iam:createaccesskey',
  'iam:createloginprofile',
  'iam:createservicespecificcredential',
  'iam:resetservicespecificcredential',
  'iam:updateaccesskey',
  'license-manager:getaccesstoken',
  'lightsail:getinstanceaccessdetails',
  'lightsail:downloaddefaultkeypair',
  'lightsail:createbucketaccesskey',
  'lightsail:getrelationaldatabasemasteruserpassword',
  'mediapackage:rotatechannelcredentials',
  'mediapackage:rotateingestendpointcredentials',
  'rds-db:connect',
  'redshift:getclustercredentials',
  'redshift:getclustercredentialswithiam',
  'redshift-serverless:getcredentials',
  'sso:getrolecredentials',
  'sts:assumerole',
  'sts:assumerolewithsaml',
  'sts:assumerolewithwebidentity',
  'sts:getfederationtoken',
  'sts:getsessiontoken',
];
// ECR registry logins are routine for every image pull (Checkov excludes them).
const CREDENTIAL_EXCLUDED = ['ecr:getauthorizationtoken', 'ecr-public:getauthorizationtoken'];

/** Read actions that leak data when granted on every resource (cloudsplaining's READ_ONLY_DATA_EXFILTRATION_ACTIONS). */
const EXFILTRATION_ACTIONS = ['s3:getobject', 'ssm:getparameter', 'ssm:getparameters', 'ssm:getparametersbypath', 'secretsmanager:getsecretvalue'];

/** Actions with no resource-level permissions: a statement of only these is not "unconstrained" (cloudsplaining). */
const WILDCARD_ONLY = new Set(['ecr:getauthorizationtoken', 'ecr-public:getauthorizationtoken', 'sts:getsessiontoken']);

/** IAM action pattern match ("s3:Get*", "*", "iam:CreateAccessKey"), case-insensitive. */
function actionMatches(pattern: string, action: string): boolean {
  const re = new RegExp('^' + pattern.toLowerCase().replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$');
  return re.test(action);
}

/** Which of `sensitive` an Allow statement on Resource "*" grants (Action patterns, or NotAction complement). */
function unconstrained(statements: Statement[], sensitive: readonly string[]): string[] {
  const found = new Set<string>();
  for (const s of statements) {
    if (s.effect !== 'Allow' || !s.resources.includes('*')) continue;
    if (s.actions.length > 0 && s.actions.every((a) => WILDCARD_ONLY.has(a.toLowerCase()))) continue;
    for (const a of sensitive) {
      const granted = s.actions.length > 0 ? s.actions.some((p) => actionMatches(p, a)) : s.notActions.length > 0 && !s.notActions.some((p) => actionMatches(p, a));
      if (granted) found.add(a);
    }
  }
  return [...found];
}

export const credentialsExposure = defineCloudRule({
  id: 'BLW-AWS-191',
  title: 'IAM policy allows actions that return credentials on all resources',
  severity: 'high',
  description: 'Actions such as iam:CreateAccessKey, sts:AssumeRole or redshift:GetClusterCredentials return credentials; granting them on Resource "*" lets the principal mint credentials for any user, role or cluster.',
  remediation: 'Scope credential-returning actions to specific resource ARNs, or remove them.',
  references: ['https://cloudsplaining.readthedocs.io/en/latest/glossary/credentials-exposure/', 'https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege'],
  aliases: ['CKV_AWS_287'],
  resourceTypes: Object.keys(POLICY_TYPES),
  check: (r, model) => {
    const hits = unconstrained(policyStatements(r, model), CREDENTIAL_ACTIONS.filter((a) => !CREDENTIAL_EXCLUDED.includes(a)));
    return hits.length ? [{ message: `Policy allows credential-returning actions on "*": ${hits.join(', ')}.`, path: [POLICY_TYPES[r.type]!] }] : [];
  },
});

export const dataExfiltration = defineCloudRule({
  id: 'BLW-AWS-192',
  title: 'IAM policy allows reading objects, parameters or secrets on all resources',
  severity: 'medium',
  description: 's3:GetObject, ssm:GetParameter* or secretsmanager:GetSecretValue on Resource "*" lets the principal read every object, parameter and secret in the account.',
  remediation: 'Scope these actions to the specific buckets, parameter paths and secret ARNs the principal needs.',
  references: ['https://cloudsplaining.readthedocs.io/en/latest/glossary/data-exfiltration/', 'https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege'],
  aliases: ['CKV_AWS_288'],
  resourceTypes: Object.keys(POLICY_TYPES),
  check: (r, model) => {
    const hits = unconstrained(policyStatements(r, model), EXFILTRATION_ACTIONS);
    return hits.length ? [{ message: `Policy allows data reads on "*": ${hits.join(', ')}.`, path: [POLICY_TYPES[r.type]!] }] : [];
  },
});
