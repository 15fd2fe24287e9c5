/**
 * The platforms and teams named in the district's article (shared/context), written by
 * hand. Capacities, capital and levels are plausible readings of the article, not facts.
 */
import type { Platform, Talent } from '../domain/schemas.js';

export const CURATED_PLATFORMS: Platform[] = [
  {
    id: 'p-shengshifangzhou',
    name: 'Shengshifangzhou Super Entrepreneurial Platform (盛世方舟)',
    description:
      'The first super entrepreneurial platform in China. Talent & capital mode: connects talent projects with venture capital, angel investment and equity funds. Started more than 20 projects, 3 of them completed a round of financing; Tiedadawang raised over ten million yuan, the largest single financing in Ningbo in recent years. Fintech, internet and technology projects welcome.',
    modes: ['capital'],
    industries: { 'financial-services': 1, 'technology-services': 0.6, 'e-commerce': 0.4 },
    capacity: { slots: 30, slotsUsed: 22, seats: 240, seatsUsed: 170, capitalYuan: 60_000_000 },
    stages: ['prototype', 'early-revenue', 'growth'],
    signingRate: 0.7,
  },
  {
    id: 'p-national-youth-park',
    name: 'National Entrepreneurial Platform with Industrial Park',
    description:
      'A national entrepreneurial platform with an industrial park. Talent & boundary crossing mode: builds a new world for youth entrepreneurship where e-commerce, think tanks, design and business services companies cross industry boundaries. 40 companies including Ruiju e-commerce and a think tank have joined, with an 80% signing rate overall. Talent apartments available.',
    modes: ['boundary-crossing'],
    industries: { 'e-commerce': 0.9, 'business-services': 0.8, 'cultural-creative': 0.5, 'technology-services': 0.3 },
    capacity: { slots: 60, slotsUsed: 40, seats: 420, seatsUsed: 300, capitalYuan: 5_000_000 },
    housing: true,
    signingRate: 0.8,
  },
  {
    id: 'p-jiangdong-talent-academy',
    name: 'Jiangdong Talent Training Academy',
    description:
      'Talent & training mode: entrepreneurship training, vocational skills certification and mentoring for early stage founders. Government purchased services help enterprises with human resources planning and professional jobs.',
    modes: ['training'],
    industries: { 'human-resources': 1, 'business-services': 0.5 },
    capacity: { slots: 40, slotsUsed: 18, seats: 160, seatsUsed: 70, capitalYuan: 0 },
    signingRate: 0.6,
  },
  {
    id: 'p-hr-industrial-park',
    name: '江东人力资源服务产业园',
    description: '人力资源服务产业园，聚集招聘、猎头、人才测评、培训和人力资源外包企业，为入驻团队提供工位、人才公寓和政策咨询服务，按工位号注册企业。',
    modes: ['training', 'boundary-crossing'],
    industries: { 'human-resources': 1, 'business-services': 0.4 },
    capacity: { slots: 35, slotsUsed: 20, seats: 220, seatsUsed: 150, capitalYuan: 2_000_000 },
    housing: true,
    signingRate: 0.65,
  },
  {
    id: 'p-visual-tech-incubator',
    name: 'Eastern New Town Technology Incubator',
    description:
      'Technology incubator for research and development teams in artificial intelligence, computer vision, software and sensors. Laboratories, testing equipment and technology transfer services; fast settlement of high-end talent teams with offices and apartments prepared in days.',
    modes: ['capital', 'training'],
    industries: { 'technology-services': 1, 'cultural-creative': 0.3 },
    capacity: { slots: 25, slotsUsed: 14, seats: 200, seatsUsed: 120, capitalYuan: 20_000_000 },
    housing: true,
    signingRate: 0.75,
  },
  {
    id: 'p-port-logistics-hub',
    name: '宁波港航物流创新基地',
    description: '面向航运物流的创新创业基地，服务港口物流、货代、供应链管理、冷链仓储和航运金融项目，提供航运数据和港口资源对接。',
    modes: ['boundary-crossing', 'capital'],
    industries: { 'shipping-logistics': 1, 'financial-services': 0.3 },
    capacity: { slots: 20, slotsUsed: 9, seats: 150, seatsUsed: 80, capitalYuan: 15_000_000 },
    signingRate: 0.6,
  },
  {
    id: 'p-creative-media-park',
    name: 'Jiangdong Cultural and Creative Media Park (文创传媒园)',
    description:
      'Cultural and creative park for film, animation, games, visual design and new media studios. Shared studios, exhibition halls and copyright services; 文化创意 影视 动漫 设计.',
    modes: ['boundary-crossing', 'training'],
    industries: { 'cultural-creative': 1, 'e-commerce': 0.3 },
    capacity: { slots: 30, slotsUsed: 30, seats: 180, seatsUsed: 170, capitalYuan: 1_000_000 },
    signingRate: 0.7,
  },
];

export const CURATED_TALENTS: Talent[] = [
  {
    id: 't-shiruidi-visual-rd',
    name: 'Shiruidi visual R&D team',
    description:
      'Top visual research and development team in China: computer vision algorithms, visual recognition chips and image sensors for industrial inspection and smart devices. Needs laboratories, offices and apartments to settle in Jiangdong within days.',
    profile: 'Team leader Zhang Tao; core members hold PhDs in computer vision and worked at leading technology companies; national high-end talent.',
    skills: ['computer vision', 'algorithm', 'embedded systems'],
    industries: ['technology-services'],
    stage: 'prototype',
    teamSize: 12,
    talentLevel: 'national',
    needs: { seats: 12, capitalYuan: 5_000_000, housing: true },
    updatedAt: '2016-10-10',
  },
  {
    id: 't-tiedadawang',
    name: 'Tiedadawang',
    description:
      'Internet project that completed a financing round of more than ten million yuan, the largest single financing in Ningbo in recent years; seeks further venture capital and investor connections to scale its online platform.',
    profile: 'Serial founders with finance and internet backgrounds.',
    industries: ['e-commerce', 'financial-services'],
    stage: 'growth',
    teamSize: 20,
    talentLevel: 'municipal',
    needs: { seats: 20, capitalYuan: 15_000_000 },
  },
  {
    id: 't-ruiju-ecommerce',
    name: 'Ruiju e-commerce',
    description:
      'Cross-border e-commerce company running online stores and live streaming sales of Ningbo products; wants to work across industries with design studios and logistics partners.',
    industries: ['e-commerce'],
    stage: 'early-revenue',
    teamSize: 8,
    needs: { seats: 8, crossIndustry: true },
  },
  {
    id: 't-think-tank',
    name: 'Yongjiang regional economy think tank',
    description:
      'A think tank for regional economic policy research, industry reports and investment promotion consulting for industrial parks; seeks cross-industry cooperation with enterprises in the park.',
    industries: ['business-services'],
    stage: 'early-revenue',
    teamSize: 5,
    talentLevel: 'provincial',
    needs: { seats: 5, crossIndustry: true },
  },
  {
    id: 't-hr-saas-zh',
    name: '甬才人力科技',
    description: '面向中小企业的人力资源外包与招聘平台，提供人才测评和薪酬管理服务，希望入驻人力资源服务产业园并获得培训支持。',
    profile: '创始人曾在大型猎头公司任职，团队成员具有人力资源管理经验。',
    stage: 'prototype',
    teamSize: 6,
    needs: { seats: 6, training: true },
  },
  {
    id: 't-cold-chain-zh',
    name: '港城冷链物流',
    description: '冷链仓储与配送项目，服务港口进口生鲜供应链管理，需要航运物流资源对接和融资。',
    industries: ['shipping-logistics'],
    stage: 'early-revenue',
    teamSize: 10,
    needs: { seats: 10, capitalYuan: 3_000_000 },
  },
];
