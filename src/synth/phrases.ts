/** Phrase banks of the fixture generator, per industry, in English and Chinese. */

export const PHRASES_EN: Record<string, string[]> = {
  'financial-services': [
    'supply chain finance for small and micro enterprises', 'a fintech platform for credit scoring', 'venture capital fund of funds management',
    'equity investment advisory for startups', 'mobile payment solutions for merchants', 'insurance technology for claims automation',
    'wealth management robo advisor', 'risk control models for consumer credit', 'blockchain settlement for trade finance',
    'angel investment network and fund raising', 'digital banking services for small business', 'financial data analytics and compliance reporting',
    'private equity portfolio monitoring', 'crowdfunding and investor relations services',
  ],
  'business-services': [
    'management consulting for manufacturing companies', 'a think tank for regional economic policy research', 'legal services for cross-border contracts',
    'accounting and tax advisory for startups', 'market research and consumer survey analysis', 'exhibition planning and conference services',
    'corporate strategy and branding advisory', 'headquarters services and business registration', 'intellectual property agency and patent filing',
    'audit and internal control consulting', 'public policy advisory and industry reports', 'business process outsourcing for enterprises',
    'investment promotion consulting for industrial parks', 'enterprise service marketplace for small firms',
  ],
  'cultural-creative': [
    'animation studio producing children content', 'independent film production and post production', 'mobile game development with original art',
    'visual design and brand identity studio', 'digital publishing of comics and novels', 'cultural tourism experiences and creative products',
    'short video content production and media operations', 'virtual reality art exhibitions', 'music production and copyright licensing',
    'industrial design for consumer electronics', 'creative workshops for traditional crafts', 'media agency for new media marketing',
    'visual effects and 3d rendering services', 'photography and image content licensing',
  ],
  'e-commerce': [
    'cross-border e-commerce store for household goods', 'live streaming sales of local agricultural products', 'an online marketplace for handmade products',
    'e-commerce operations services for brands', 'digital trade platform for small exporters', 'social commerce and community group buying',
    'online retail of fashion and apparel', 'e-commerce logistics and fulfilment software', 'consumer data analytics for online stores',
    'cross-border payment and customs clearance for online sellers', 'a b2b marketplace for industrial parts', 'online store building software as a service',
    'influencer marketing for online retail', 'duty free e-commerce for imported goods',
  ],
  'technology-services': [
    'computer vision algorithms for industrial inspection', 'artificial intelligence for medical imaging', 'software development outsourcing for enterprises',
    'machine learning platform for predictive maintenance', 'cloud computing and data center services', 'sensor hardware research and development',
    'big data analytics for smart city management', 'technology transfer from university laboratories', 'testing and certification of electronic products',
    'robotics research for warehouse automation', 'visual recognition chips and embedded systems', 'natural language processing for customer service',
    'internet of things platform for factories', 'autonomous driving perception research',
  ],
  'shipping-logistics': [
    'freight forwarding for container shipping', 'port logistics scheduling software', 'cold chain warehousing and distribution',
    'supply chain management for import and export', 'maritime finance and ship leasing', 'last mile delivery network in the city',
    'shipping data platform for vessel tracking', 'bulk cargo trading and logistics services', 'smart warehouse with automated sorting',
    'customs brokerage and international logistics', 'multimodal transport between port and inland cities', 'shipping agency and crew services',
    'logistics park operation and management', 'container leasing and maintenance services',
  ],
  'human-resources': [
    'recruitment platform for high-end talent', 'headhunting services for technology companies', 'vocational training and skills certification',
    'talent assessment tools for hiring managers', 'human resources outsourcing and payroll services', 'career development coaching for graduates',
    'flexible employment platform for gig workers', 'corporate training programs for managers', 'human resources planning consulting for enterprises',
    'online learning for professional skills', 'talent apartment and relocation services', 'employer branding and campus recruitment',
    'labour dispatch and workforce management', 'returnee talent introduction services',
  ],
};

export const PHRASES_ZH: Record<string, string[]> = {
  'financial-services': ['为小微企业提供供应链金融服务', '金融科技信用评估平台', '风险投资基金管理', '创业企业股权投资咨询', '移动支付解决方案', '保险科技理赔自动化', '智能投顾财富管理', '消费信贷风控模型', '天使投资与融资服务', '区块链贸易金融结算'],
  'business-services': ['制造企业管理咨询', '区域经济政策研究智库', '跨境合同法律服务', '创业企业财税咨询', '市场调研与消费者分析', '会展策划与会议服务', '企业战略与品牌咨询', '知识产权代理与专利申请', '审计与内控咨询', '产业园区招商咨询'],
  'cultural-creative': ['儿童动漫内容制作', '独立电影制作与后期', '原创美术手机游戏开发', '视觉设计与品牌形象', '数字出版漫画与小说', '文化旅游创意产品', '短视频内容制作与新媒体运营', '虚拟现实艺术展览', '音乐制作与版权授权', '工业设计与文创产品'],
  'e-commerce': ['跨境电商家居用品网店', '本地农产品直播带货', '手工艺品在线交易平台', '品牌电商代运营服务', '中小出口企业数字贸易平台', '社交电商与社区团购', '服装网络零售', '电商物流与履约软件', '网店消费数据分析', '进口商品跨境电商'],
  'technology-services': ['工业检测计算机视觉算法', '医学影像人工智能', '企业软件开发外包', '预测性维护机器学习平台', '云计算与数据中心服务', '传感器硬件研发', '智慧城市大数据分析', '高校实验室技术转移', '电子产品检测认证', '仓储自动化机器人研发'],
  'shipping-logistics': ['集装箱海运货代服务', '港口物流调度软件', '冷链仓储与配送', '进出口供应链管理', '航运金融与船舶租赁', '城市末端配送网络', '船舶跟踪航运数据平台', '大宗货物贸易物流', '智能仓储自动分拣', '报关与国际物流'],
  'human-resources': ['高端人才招聘平台', '科技企业猎头服务', '职业技能培训与认证', '人才测评工具', '人力资源外包与薪酬服务', '毕业生职业发展辅导', '灵活用工平台', '企业管理者培训项目', '企业人力资源规划咨询', '海归人才引进服务'],
};

export const GENERIC_EN = [
  'the team has built a working prototype', 'we serve customers across the Yangtze River Delta', 'the project seeks office space and policy support',
  'our founders have ten years of industry experience', 'we plan to expand to other cities next year', 'revenue grew steadily over the last quarter',
  'the product is used by hundreds of small companies', 'we cooperate with universities in Ningbo', 'the company holds several patents',
  'we look for investors and partners in the district', 'the service runs on a subscription model', 'our pilot customers renewed their contracts',
  'the team wants to settle in Jiangdong quickly', 'we are hiring engineers and sales staff', 'the platform connects enterprises and experts',
];

export const GENERIC_ZH = [
  '团队已完成产品原型', '客户覆盖长三角地区', '项目需要办公场地和政策支持', '创始人拥有十年行业经验', '计划明年拓展到其他城市',
  '上季度营业收入稳步增长', '产品服务数百家中小企业', '与宁波高校开展合作', '公司拥有多项专利', '希望在江东区寻找投资和合作伙伴',
  '团队希望尽快落户江东', '正在招聘工程师和销售人员',
];

export const PROFILE_EN = [
  'The team leader holds a PhD from a leading university.', 'Core members worked at large internet companies.', 'The founder returned from studying abroad.',
  'The team won a national innovation and entrepreneurship award.', 'Members have backgrounds in engineering and finance.', 'The founder previously started and sold a company.',
  'Two members are recognised as provincial high-end talent.', 'The team includes designers, engineers and operators.',
];

export const PROFILE_ZH = [
  '团队负责人毕业于知名高校博士', '核心成员来自大型互联网公司', '创始人为海外留学归国人才', '团队曾获全国创新创业大赛奖项',
  '成员具有工程和金融背景', '创始人有成功创业经历', '两名成员入选省级高层次人才', '团队包括设计师工程师和运营人员',
];

export const PLATFORM_KINDS_EN = ['incubator', 'co-working space', 'innovation park', 'accelerator', 'industrial park', 'maker space', 'service center'];
export const PLATFORM_KINDS_ZH = ['孵化器', '众创空间', '创新园', '加速器', '产业园', '创客空间', '服务中心'];
