"""Word lists for the synthetic corpus (bench data, not product code).

Each industry names its market in Chinese (a term of kg/vocab.ttl's rk:Term scheme where there is one,
so the English label can be composed) and in English, three or four segments, and the subject of a
rate (penetration) its drivers talk about: never a segment, and never containing the market's name (a
"云游戏渗透率" in a 游戏 report could fairly be read as a segment's rate). Regions are glossary concepts (kg/vocab.ttl), written the
ways reports write them; tests/test_corpus.py checks every form against the glossary.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Industry:
    key: str
    zh: str                               # market as written in Chinese text
    en: str                               # market as written in English text ("the global {en} market")
    segments: tuple[tuple[str, str], ...]  # (zh label, en label)
    rate_zh: str                          # subject of a penetration rate
    rate_en: str
    apps_zh: tuple[str, ...] = ()         # where segments are used (definitions)
    apps_en: tuple[str, ...] = ()


INDUSTRIES: tuple[Industry, ...] = (
    Industry("ai-inference-chip", "AI 推理芯片", "AI inference chip",
             (("云端推理", "Cloud inference"), ("边缘推理", "Edge inference"), ("端侧推理", "On-device inference")),
             "AI 智能设备", "AI-enabled devices", ("数据中心", "智能手机", "智能汽车"), ("data centers", "smartphones", "vehicles")),
    Industry("industrial-robot", "工业机器人", "industrial robot",
             (("多关节机器人", "Articulated robots"), ("SCARA 机器人", "SCARA robots"), ("协作机器人", "Collaborative robots"),
              ("并联机器人", "Delta robots")),
             "智能制造", "smart manufacturing", ("汽车制造", "消费电子", "金属加工"), ("automotive plants", "electronics assembly", "metal fabrication")),
    Industry("optical-transceiver", "光模块", "optical transceiver",
             (("800G 光模块", "800G transceivers"), ("400G 光模块", "400G transceivers"), ("有源光缆", "Active optical cables")),
             "共封装光学", "co-packaged optics", ("数据中心", "电信网络"), ("data centers", "telecom networks")),
    Industry("energy-storage", "储能", "energy storage",
             (("电化学储能", "Electrochemical storage"), ("抽水蓄能", "Pumped hydro storage"), ("压缩空气储能", "Compressed-air storage")),
             "光伏", "solar photovoltaic", ("电网侧", "工商业园区"), ("utility grids", "commercial parks")),
    Industry("traction-battery", "动力电池", "EV battery",
             (("三元电池", "NCM batteries"), ("磷酸铁锂电池", "LFP batteries"), ("固态电池", "Solid-state batteries")),
             "新能源车", "new energy vehicles", ("乘用车", "商用车"), ("passenger cars", "commercial vehicles")),
    Industry("charging-pile", "充电桩", "EV charging equipment",
             (("直流快充桩", "DC fast chargers"), ("交流慢充桩", "AC slow chargers"), ("换电站", "Battery swap stations")),
             "电动车", "electric vehicles", ("高速公路服务区", "住宅社区"), ("highway service areas", "residential compounds")),
    Industry("lidar", "激光雷达", "automotive LiDAR",
             (("机械式激光雷达", "Mechanical LiDAR"), ("半固态激光雷达", "Semi-solid-state LiDAR"), ("固态激光雷达", "Solid-state LiDAR")),
             "智能汽车", "smart cars", ("智能驾驶", "机器人"), ("assisted driving", "robotics")),
    Industry("power-semiconductor", "功率半导体", "power semiconductor",
             (("碳化硅器件", "SiC devices"), ("氮化镓器件", "GaN devices"), ("硅基 IGBT", "Silicon IGBTs")),
             "碳化硅", "silicon carbide", ("新能源车", "光伏逆变器"), ("electric vehicles", "solar inverters")),
    Industry("advanced-packaging", "先进封装", "advanced packaging",
             (("倒装封装", "Flip-chip packaging"), ("晶圆级封装", "Wafer-level packaging"), ("2.5D/3D 封装", "2.5D/3D packaging")),
             "Chiplet 芯片", "chiplet designs", ("高性能计算", "移动终端"), ("high-performance computing", "mobile devices")),
    Industry("memory-chip", "存储芯片", "memory chip",
             (("DRAM 芯片", "DRAM"), ("NAND 闪存", "NAND flash"), ("高带宽存储器", "High-bandwidth memory")),
             "AI 服务器", "AI servers", ("服务器", "智能手机"), ("servers", "smartphones")),
    Industry("ai-server", "AI 服务器", "AI server",
             (("训练服务器", "Training servers"), ("推理服务器", "Inference servers"), ("边缘服务器", "Edge servers")),
             "生成式人工智能", "generative AI", ("互联网企业", "电信运营商"), ("internet platforms", "telecom operators")),
    Industry("cloud-computing", "云计算", "cloud computing",
             (("基础设施即服务", "Infrastructure as a service"), ("平台即服务", "Platform as a service"), ("软件即服务", "Software as a service")),
             "企业上云", "enterprise cloud adoption", ("政务", "金融"), ("government", "financial services")),
    Industry("cybersecurity", "网络安全", "cybersecurity",
             (("安全硬件", "Security hardware"), ("安全软件", "Security software"), ("安全服务", "Security services")),
             "零信任架构", "zero-trust architecture", ("政府机构", "金融机构"), ("government agencies", "banks")),
    Industry("wearable-device", "可穿戴设备", "wearable device",
             (("智能手表", "Smartwatches"), ("智能手环", "Fitness bands"), ("无线耳机", "Wireless earbuds")),
             "健康监测功能", "health monitoring features", ("运动健康", "移动支付"), ("fitness tracking", "mobile payments")),
    Industry("virtual-reality", "虚拟现实", "virtual reality",
             (("VR 头显", "VR headsets"), ("VR 内容", "VR content"), ("VR 服务", "VR services")),
             "沉浸式内容", "immersive content", ("游戏", "职业培训"), ("gaming", "professional training")),
    Industry("ivd", "体外诊断", "in vitro diagnostics",
             (("免疫诊断", "Immunodiagnostics"), ("分子诊断", "Molecular diagnostics"), ("生化诊断", "Clinical chemistry"),
              ("即时检验", "Point-of-care testing")),
             "国产试剂", "domestic reagents", ("三级医院", "独立实验室"), ("tertiary hospitals", "independent laboratories")),
    Industry("medical-imaging", "医学影像", "medical imaging",
             (("CT 设备", "CT scanners"), ("磁共振设备", "MRI systems"), ("超声设备", "Ultrasound systems"), ("X 射线设备", "X-ray systems")),
             "AI 辅助诊断", "AI-assisted diagnosis", ("三级医院", "基层医疗机构"), ("tertiary hospitals", "primary care clinics")),
    Industry("surgical-robot", "手术机器人", "surgical robot",
             (("腔镜手术机器人", "Laparoscopic robots"), ("骨科手术机器人", "Orthopedic robots"), ("泛血管手术机器人", "Panvascular robots")),
             "机器人辅助手术", "robot-assisted surgery", ("泌尿外科", "关节置换"), ("urology", "joint replacement")),
    Industry("innovative-drug", "创新药", "innovative drug",
             (("小分子药物", "Small-molecule drugs"), ("生物药", "Biologics"), ("细胞与基因治疗", "Cell and gene therapies")),
             "生物类似药", "biosimilars", ("肿瘤", "自身免疫疾病"), ("oncology", "autoimmune diseases")),
    Industry("medical-aesthetics", "医美", "medical aesthetics",
             (("注射类医美", "Injectables"), ("光电类医美", "Energy-based devices"), ("手术类医美", "Surgical procedures")),
             "非手术美容项目", "non-surgical cosmetic procedures", ("一线城市", "连锁机构"), ("tier-one cities", "clinic chains")),
    Industry("humanoid-robot", "人形机器人", "humanoid robot",
             (("机器人本体", "Robot hardware"), ("核心零部件", "Core components"), ("软件与算法", "Software and algorithms")),
             "服务机器人", "service robots", ("汽车工厂", "商业服务"), ("car factories", "commercial services")),
    Industry("drone", "无人机", "drone",
             (("消费级无人机", "Consumer drones"), ("工业级无人机", "Industrial drones"), ("物流无人机", "Delivery drones")),
             "精准农业", "precision agriculture", ("农业植保", "电力巡检"), ("crop spraying", "power-line inspection")),
    Industry("low-altitude", "低空经济", "low-altitude economy",
             (("低空飞行器制造", "Aircraft manufacturing"), ("低空基础设施", "Low-altitude infrastructure"), ("低空运营服务", "Flight operations")),
             "电动垂直起降飞行器", "eVTOL aircraft", ("城市空中交通", "应急救援"), ("urban air mobility", "emergency rescue")),
    Industry("photovoltaic", "光伏", "solar photovoltaic",
             (("硅片", "Wafers"), ("电池片", "Solar cells"), ("光伏组件", "Modules"), ("逆变器", "Inverters")),
             "清洁能源发电", "clean power generation", ("地面电站", "工商业屋顶"), ("utility-scale plants", "commercial rooftops")),
    Industry("wind-power", "风电", "wind power",
             (("陆上风电", "Onshore wind"), ("海上风电", "Offshore wind"), ("风电运维", "Wind operations and maintenance")),
             "可再生能源", "renewable energy", ("沿海省份", "北方平原"), ("coastal provinces", "northern plains")),
    Industry("hydrogen", "氢能", "hydrogen energy",
             (("制氢", "Hydrogen production"), ("储运", "Storage and transport"), ("加氢站", "Refueling stations"), ("燃料电池", "Fuel cells")),
             "氢能重卡", "hydrogen heavy trucks", ("重型卡车", "化工园区"), ("heavy trucks", "chemical parks")),
    Industry("e-commerce", "电子商务", "e-commerce",
             (("B2B 电商", "B2B e-commerce"), ("B2C 电商", "B2C e-commerce"), ("跨境电商", "Cross-border e-commerce")),
             "网络零售", "online retail", ("服装", "家电"), ("apparel", "home appliances")),
    Industry("fintech", "金融科技", "fintech",
             (("数字支付", "Digital payments"), ("数字信贷", "Digital lending"), ("财富科技", "Wealthtech"), ("保险科技", "Insurtech")),
             "移动支付", "mobile payments", ("零售银行", "小微企业"), ("retail banking", "small businesses")),
    Industry("online-education", "在线教育", "online education",
             (("K12 在线教育", "K-12 learning"), ("高等教育", "Higher education"), ("职业教育", "Vocational training")),
             "在线学习", "online learning", ("中小学", "高校"), ("schools", "universities")),
    Industry("gaming", "游戏", "video game",
             (("移动游戏", "Mobile games"), ("客户端游戏", "PC games"), ("主机游戏", "Console games")),
             "智能手机", "smartphones", ("年轻用户", "海外市场"), ("young players", "overseas markets")),
    Industry("digital-advertising", "数字广告", "digital advertising",
             (("搜索广告", "Search advertising"), ("信息流广告", "Feed advertising"), ("视频广告", "Video advertising")),
             "程序化购买", "programmatic buying", ("电商平台", "短视频平台"), ("e-commerce platforms", "short-video platforms")),
    Industry("smart-logistics", "智慧物流", "smart logistics",
             (("仓储自动化", "Warehouse automation"), ("运输管理", "Transport management"), ("末端配送", "Last-mile delivery")),
             "自动化仓储", "automated warehousing", ("电商物流", "冷链物流"), ("e-commerce fulfilment", "cold chain")),
    Industry("image-sensor", "图像传感器", "image sensor",
             (("手机图像传感器", "Smartphone image sensors"), ("汽车图像传感器", "Automotive image sensors"), ("安防图像传感器", "Security camera sensors")),
             "车载摄像头", "in-vehicle cameras", ("智能手机", "智能汽车"), ("smartphones", "vehicles")),
)

# Region concept (kg/vocab.ttl local name) -> (Chinese forms, English noun, English adjective), as reports
# write them; tests/test_corpus.py checks every form against the glossary.
REGIONS: dict[str, tuple[tuple[str, ...], str, str]] = {
    "region-global": (("全球",), "the world", "global"),
    "region-china": (("中国",), "China", "Chinese"),
    "region-mainland-china": (("中国大陆",), "Mainland China", "Mainland China"),
    "region-united-states": (("美国",), "the United States", "U.S."),
    "region-europe": (("欧洲",), "Europe", "European"),
    "region-asia-pacific": (("亚太地区", "亚太"), "Asia Pacific", "Asia-Pacific"),
    "region-north-america": (("北美",), "North America", "North American"),
    "region-japan": (("日本",), "Japan", "Japanese"),
    "region-india": (("印度",), "India", "Indian"),
    "region-southeast-asia": (("东南亚",), "Southeast Asia", "Southeast Asian"),
    "region-germany": (("德国",), "Germany", "German"),
    "region-south-korea": (("韩国",), "South Korea", "South Korean"),
    "region-latin-america": (("拉丁美洲", "拉美"), "Latin America", "Latin American"),
    "region-middle-east-africa": (("中东及非洲",), "the Middle East and Africa", "Middle East and Africa"),
}
# English canonical labels (skos:prefLabel@en), checked against the glossary by tests/test_corpus.py
REGION_EN = {
    "region-global": "Global", "region-china": "China", "region-mainland-china": "Mainland China",
    "region-united-states": "United States", "region-europe": "Europe", "region-asia-pacific": "Asia Pacific",
    "region-north-america": "North America", "region-japan": "Japan", "region-india": "India",
    "region-southeast-asia": "Southeast Asia", "region-germany": "Germany", "region-south-korea": "South Korea",
    "region-latin-america": "Latin America", "region-middle-east-africa": "Middle East & Africa",
}
# regions a report may break its (global) market down by
SECONDARY = ("region-china", "region-united-states", "region-europe", "region-asia-pacific", "region-north-america",
             "region-japan", "region-india", "region-southeast-asia", "region-germany", "region-south-korea")
# a report about one country's market
HOME = ("region-china", "region-united-states", "region-japan", "region-india", "region-europe")

PUBLISHERS_ZH = ("CIC 灼识", "博衡咨询", "鼎睿产业研究院", "华信智库", "远见研究院", "启明行业研究", "中商研究院", "观澜咨询")
PUBLISHERS_EN = ("Northbridge Insights", "Meridian Research", "Harbor & Pike Analytics", "Crestline Advisory",
                 "Atlas Market Intelligence", "Bluewater Partners")

DRIVERS_ZH = (
    ("政策支持力度加大", "各级政府陆续出台专项扶持政策，在研发补贴、税收优惠与示范应用方面持续加码，为{m}行业营造了良好的发展环境。"),
    ("下游需求持续释放", "随着下游应用场景不断拓展，客户对{m}产品的需求从头部企业向中小企业扩散，市场进入快速放量阶段。"),
    ("技术迭代加速", "核心技术持续突破，产品性能显著提升而单位成本稳步下降，推动{m}在更多场景中实现规模化落地。"),
    ("国产替代进程加快", "本土厂商在产品质量与交付能力上快速追赶，凭借性价比与本地化服务优势持续提升市场份额。"),
    ("资本投入持续增加", "产业资本与财务投资者加大布局，头部企业通过融资扩充产能、完善渠道，行业集中度逐步提升。"),
    ("数据合规推动本地化部署", "愈发严格的数据监管要求促使企业采用本地化部署方案，为{m}带来新的增量需求。"),
)
DRIVERS_EN = (
    ("Policy support", "Governments are funding pilot projects and offering tax incentives, which lowers the cost of adoption for {m} buyers."),
    ("Expanding downstream demand", "New use cases keep widening the customer base for {m} products, from the largest enterprises to mid-sized firms."),
    ("Faster technology cycles", "Each product generation delivers more performance per dollar, pulling the installed base of {m} forward."),
    ("Localisation of supply chains", "Buyers are diversifying suppliers and favouring regional production, which opens room for new vendors."),
    ("Rising capital investment", "Strategic and financial investors are funding capacity expansion and distribution, accelerating consolidation."),
    ("Data regulation", "Stricter data rules push operators toward on-premise deployment, creating incremental demand."),
)
TRENDS_ZH = (
    "{m}行业正从单一产品销售向“产品 + 服务 + 运营”的一体化解决方案转变，平台化与生态化成为竞争焦点。",
    "{m}正从少数头部客户向更广泛的中小客户渗透，行业由导入期迈向成长期。",
    "行业竞争正从价格竞争向技术与服务竞争转型，头部企业持续加大研发投入。",
)
TRENDS_EN = (
    "The industry is shifting from one-off hardware sales to integrated offerings that bundle products, software and services.",
    "Vendors are moving from serving a few flagship customers to a broad base of mid-sized buyers.",
    "Competition is moving from price toward technology and service quality, and leading vendors keep raising R&D spending.",
)
SOURCES_ZH = ("市场参与者访谈", "行业出版物", "政府统计资料", "上市公司公开文件", "国家统计局", "行业协会", "专家访谈", "企业年报")
SOURCES_EN = ("company filings", "expert interviews", "industry associations", "government statistics", "trade press",
              "operator surveys")

# Qualifiers that make a report's market a narrower one ("高端工业机器人", "commercial drone"): with 10,000
# reports, a market + region + year names a handful of reports, not hundreds. None of these is a glossary
# region or metric label.
QUALIFIERS = (
    ("高端", "high-end"), ("商用", "commercial"), ("新一代", "next-generation"), ("智能", "smart"),
    ("高性能", "high-performance"), ("专业级", "professional"), ("模块化", "modular"), ("绿色", "green"),
    ("数字化", "digital"), ("第三方", "third-party"), ("定制化", "customised"), ("企业级", "enterprise"),
    ("中小企业", "SME"), ("城市", "urban"), ("农村", "rural"), ("工业级", "industrial-grade"),
    ("消费级", "consumer-grade"), ("便携式", "portable"), ("一体化", "integrated"), ("开源", "open-source"),
    ("订阅制", "subscription"), ("租赁", "rental"), ("二手", "refurbished"), ("出口型", "export-oriented"),
)
