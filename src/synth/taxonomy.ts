/**
 * The district's seven priority industries as shipped in fixtures/jiangdong/industries.json.
 * The first three are named by the district plan; the other four are this project's
 * defaults. This is data for the fixture generator; the engine reads industries.json and
 * never depends on these ids.
 */
import type { Industry } from '../domain/schemas.js';
import { JIANGDONG_GLOSSARY } from './glossary.js';

const INDUSTRIES: Industry[] = [
  {
    id: 'financial-services',
    name: 'Financial services',
    nameZh: '金融服务',
    description: 'Banking, venture capital, equity investment, fintech, insurance and wealth management services for enterprises and individuals.',
    keywords: ['finance', 'fintech', 'venture capital', 'investment', 'fund', 'equity', 'insurance', 'payment', 'credit', 'wealth management', '金融', '投资', '基金', '风险投资', '股权', '保险', '支付', '信贷', '财富管理', '融资'],
  },
  {
    id: 'business-services',
    name: 'Business services',
    nameZh: '商务服务',
    description: 'Consulting, legal, accounting, think tanks, market research, exhibitions and headquarters services for companies.',
    keywords: ['consulting', 'legal', 'accounting', 'think tank', 'market research', 'exhibition', 'advisory', 'strategy', 'audit', '咨询', '法律', '会计', '智库', '市场调研', '会展', '战略', '审计', '商务'],
  },
  {
    id: 'cultural-creative',
    name: 'Cultural and creative industries',
    nameZh: '文化创意',
    description: 'Design, film and animation, games, media, publishing, visual arts and creative content production.',
    keywords: ['design', 'film', 'animation', 'game', 'media', 'publishing', 'creative', 'visual', 'art', 'content', 'video', '设计', '影视', '动漫', '游戏', '传媒', '出版', '创意', '视觉', '艺术', '文创'],
  },
  {
    id: 'e-commerce',
    name: 'E-commerce and digital trade',
    nameZh: '电子商务',
    description: 'Online retail, cross-border e-commerce, live-stream selling, marketplaces and digital trade platforms.',
    keywords: ['e-commerce', 'online retail', 'cross-border', 'marketplace', 'live streaming', 'online store', 'digital trade', 'retail', 'consumer', '电子商务', '电商', '跨境电商', '网店', '直播带货', '零售', '数字贸易', '平台', '消费'],
  },
  {
    id: 'technology-services',
    name: 'Technology and R&D services',
    nameZh: '科技服务',
    description: 'Software, artificial intelligence, computer vision, research and development, testing and technology transfer services.',
    keywords: ['software', 'artificial intelligence', 'machine learning', 'computer vision', 'research', 'development', 'algorithm', 'cloud', 'data', 'sensor', '软件', '人工智能', '机器学习', '计算机视觉', '研发', '算法', '云计算', '大数据', '技术转移', '检测'],
  },
  {
    id: 'shipping-logistics',
    name: 'Shipping and logistics services',
    nameZh: '航运物流',
    description: 'Port and shipping services, freight forwarding, supply chain management, warehousing and maritime finance.',
    keywords: ['shipping', 'logistics', 'port', 'freight', 'supply chain', 'warehouse', 'maritime', 'container', 'forwarding', '航运', '物流', '港口', '货运', '供应链', '仓储', '海运', '集装箱', '货代'],
  },
  {
    id: 'human-resources',
    name: 'Human resources services',
    nameZh: '人力资源服务',
    description: 'Recruitment, headhunting, training, talent assessment, outsourcing and human resources planning for enterprises.',
    keywords: ['recruitment', 'headhunting', 'training', 'talent assessment', 'outsourcing', 'human resources', 'career', 'payroll', 'hiring', '招聘', '猎头', '培训', '人才测评', '人力资源', '外包', '职业发展', '薪酬', '人才'],
  },
];

/** The seven industries with their bilingual glossaries. */
export const JIANGDONG_INDUSTRIES: Industry[] = INDUSTRIES.map((i) => ({ ...i, glossary: JIANGDONG_GLOSSARY[i.id] ?? [] }));

export const JIANGDONG_POLICY = {
  industryPriority: {
    'financial-services': 1,
    'business-services': 0.9,
    'cultural-creative': 0.9,
    'e-commerce': 0.8,
    'technology-services': 0.8,
    'shipping-logistics': 0.7,
    'human-resources': 0.7,
  },
  maxSupportYuan: 1_000_000,
  minScoreForReferral: 0.35,
};

/** The fixtures' support budget for the cycle (policy.json `supportBudgetYuan`): binds, so the allocation decides. */
export const JIANGDONG_SUPPORT_BUDGET_YUAN = 30_000_000;
