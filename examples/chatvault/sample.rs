//! Built-in sample data for `chatvault demo`: synthetic Chinese and
//! English helpdesk conversations with checksum-valid made-up identifiers,
//! a small sensitive-word dictionary and a retention policy. Deterministic
//! (a fixed-seed generator), so every run tells the same story.

/// 2026-01-05T01:00:00Z, 09:00 in China.
pub const START: i64 = 1_767_574_800;
pub const DAY: i64 = 86_400;

pub const DEPARTMENTS: [&str; 3] = ["sales", "support", "after-sales"];

/// The demo's dictionary: `word category`, one per line.
pub const WORDS: &str = "\
微信 contact
加微信 contact
QQ号 contact
wechat contact
whatsapp contact
刷单 fraud
返利 fraud
私下转账 fraud
transfer privately fraud
傻逼 abuse
滚蛋 abuse
idiot abuse
";

/// Who may say what: (category, agent to customer, customer to agent).
pub const ACTIONS: [(&str, &str, &str); 3] = [
    ("contact", "block", "report"),
    ("fraud", "block", "report"),
    ("abuse", "block", "mask"),
];

pub const RETENTION: &str = r#"{
  "chatvault_retention": 1,
  "name": "demo-cn",
  "version": 1,
  "description": "Demo policy: configurable defaults, not legal advice.",
  "vocabulary": {
    "categories": ["general", "complaint", "transaction"],
    "regions": ["CN", "EU"],
    "channels": ["web", "app", "wechat"],
    "events": []
  },
  "erasure": {"action": "shred", "within": "15d"},
  "grace": "7d",
  "rules": [
    {"name": "network-logs", "template": "cn-csl-network-logs"},
    {"name": "transactions", "template": "cn-ecommerce-transactions",
     "select": {"category": ["transaction"]}, "ceiling": "5y", "action": "shred"},
    {"name": "complaints", "select": {"category": ["complaint"]},
     "floor": "1y", "ceiling": "2y", "from": "closed", "action": "review"},
    {"name": "eu-general", "template": "gdpr-storage-limitation",
     "select": {"region": ["EU"]}, "except": {"category": ["transaction", "complaint"]},
     "ceiling": "9m", "from": "last_activity"},
    {"name": "default", "except": {"category": ["transaction", "complaint"], "region": ["EU"]},
     "ceiling": "1y", "from": "last_activity", "action": "delete"}
  ]
}"#;

/// A small fixed-seed generator (SplitMix64).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    fn digits(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| char::from(b'0' + self.below(10) as u8))
            .collect()
    }

    /// A mainland mobile number with a real prefix.
    pub fn phone(&mut self) -> String {
        let prefix = *self.pick(&["138", "139", "150", "186", "188", "159", "177"]);
        format!("{prefix}{}", self.digits(8))
    }

    /// A resident ID number with a valid GB 11643 check character.
    pub fn id_card(&mut self) -> String {
        let region = *self.pick(&["110105", "310104", "440305", "330106", "510107"]);
        let year = 1960 + self.below(45);
        let month = 1 + self.below(12);
        let day = 1 + self.below(28);
        let body = format!("{region}{year}{month:02}{day:02}{}", self.digits(3));
        const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        let sum: u32 = body
            .bytes()
            .zip(W)
            .map(|(b, w)| u32::from(b - b'0') * w)
            .sum();
        let check = b"10X98765432"[(sum % 11) as usize] as char;
        format!("{body}{check}")
    }

    /// A 16-digit bank card passing Luhn.
    pub fn bank_card(&mut self) -> String {
        let body = format!("622202{}", self.digits(9));
        let mut sum = 0;
        for (i, b) in body.bytes().rev().enumerate() {
            let mut d = u32::from(b - b'0');
            if i % 2 == 0 {
                d *= 2;
                if d > 9 {
                    d -= 9;
                }
            }
            sum += d;
        }
        format!("{body}{}", (10 - sum % 10) % 10)
    }

    pub fn email(&mut self) -> String {
        let name = *self.pick(&["li.lei", "hanmeimei", "wang.fang", "zhao.min", "jchen"]);
        format!("{name}{}@example.com", self.below(100))
    }

    pub fn order(&mut self) -> String {
        format!("2026{}", self.digits(10))
    }
}

/// One line of a sample conversation.
pub struct Line {
    pub agent: bool,
    pub text: String,
    /// Seconds after the previous line (or the start).
    pub after: i64,
}

/// One sample conversation.
pub struct SampleConversation {
    pub id: String,
    pub department: &'static str,
    pub customer: String,
    pub category: &'static str,
    pub region: &'static str,
    pub channel: &'static str,
    pub agent: String,
    pub started: i64,
    pub lines: Vec<Line>,
    /// Whether the customer was told the chat is archived.
    pub notified: bool,
}

fn fill(template: &str, rng: &mut Rng) -> String {
    let mut s = template.to_owned();
    for (key, f) in [
        ("{phone}", Rng::phone as fn(&mut Rng) -> String),
        ("{id}", Rng::id_card),
        ("{card}", Rng::bank_card),
        ("{email}", Rng::email),
        ("{order}", Rng::order),
        ("{tracking}", |r: &mut Rng| format!("SF{}", r.digits(12))),
    ] {
        while let Some(at) = s.find(key) {
            let v = f(rng);
            s.replace_range(at..at + key.len(), &v);
        }
    }
    s
}

const ZH_OPEN: [&str; 6] = [
    "你好，我的订单{order}还没发货",
    "在吗？我想改一下收货地址",
    "我要投诉，你们的客服态度太差了",
    "请问这个商品什么时候有货？",
    "快递单号 {tracking} 三天没更新了",
    "你好，申请的退款一直没到账",
];
const ZH_DETAIL: [&str; 8] = [
    "我的手机号是 {phone}，有事打我电话",
    "身份证号 {id}，帮我查一下实名认证",
    "退款请打到这张卡 {card}",
    "我的邮箱 {email}，发票发这里",
    "手机 {phone}，订单 {order}",
    "你们是不是傻逼，等了一个星期",
    "能加个微信吗？这样沟通方便",
    "上次那个客服说可以返利",
];
const ZH_AGENT: [&str; 8] = [
    "您好，请问有什么可以帮您？",
    "已为您登记，请稍等",
    "好的，已经为您申请退款，3 个工作日内到账",
    "为了核实身份，请提供下单手机号",
    "非常抱歉给您带来不便",
    "问题已解决，还有其他需要吗？",
    "订单金额 299.00 元已原路退回",
    "您的快递今天下午会送达",
];
const EN_OPEN: [&str; 4] = [
    "Hi, order #{order} has not shipped yet",
    "Hello, I want to change my delivery address",
    "I want to file a complaint about your service",
    "Tracking number {tracking} has not moved for days",
];
const EN_DETAIL: [&str; 5] = [
    "My phone is +86 {phone}, call me any time",
    "Please refund to card {card}",
    "My email is {email}",
    "Can we talk on whatsapp instead?",
    "You are an idiot, I waited a week",
];
const EN_AGENT: [&str; 5] = [
    "Hello, how can I help you today?",
    "I have logged your request, one moment please",
    "The refund of 299.00 has been issued",
    "Sorry for the trouble, it is fixed now",
    "Is there anything else I can do for you?",
];
/// What a careless or dishonest agent sends (blocked).
const AGENT_BAD: [&str; 3] = [
    "加我微信 wx{order}，私下转账更快",
    "我们可以刷单返利，你考虑一下",
    "Add me on wechat, we can transfer privately",
];

/// `n` sample conversations over the four weeks from [`START`].
pub fn conversations(n: usize) -> Vec<SampleConversation> {
    let mut rng = Rng::new(0x0C4A_7FA7);
    let agents: Vec<String> = (1..=12).map(|i| format!("agent-{i:02}")).collect();
    (0..n)
        .map(|i| {
            let english = rng.below(4) == 0;
            let department = *rng.pick(&DEPARTMENTS);
            let category = *rng.pick(&["general", "general", "complaint", "transaction"]);
            let started = START + (rng.below(28) as i64) * DAY + (rng.below(9 * 3600) as i64);
            let agent = rng.pick(&agents).clone();
            let (open, detail, answers) = if english {
                (&EN_OPEN[..], &EN_DETAIL[..], &EN_AGENT[..])
            } else {
                (&ZH_OPEN[..], &ZH_DETAIL[..], &ZH_AGENT[..])
            };
            let mut lines = vec![Line {
                agent: false,
                text: fill(rng.pick::<&str>(open), &mut rng),
                after: 0,
            }];
            let turns = 2 + rng.below(4);
            for _ in 0..turns {
                lines.push(Line {
                    agent: true,
                    text: if rng.below(25) == 0 {
                        fill(rng.pick::<&str>(&AGENT_BAD), &mut rng)
                    } else {
                        rng.pick(answers).to_string()
                    },
                    // Agents answer in 5 s to 4 min.
                    after: 5 + rng.below(235) as i64,
                });
                lines.push(Line {
                    agent: false,
                    text: fill(rng.pick::<&str>(detail), &mut rng),
                    after: 10 + rng.below(110) as i64,
                });
            }
            lines.push(Line {
                agent: true,
                text: rng.pick(answers).to_string(),
                after: 5 + rng.below(235) as i64,
            });
            SampleConversation {
                id: format!("conv-{:04}", i + 1),
                department,
                // A few customers come back for a second conversation.
                customer: format!("cust-{:04}", rng.below(n as u64 * 4 / 5 + 1)),
                category,
                region: if english && rng.below(2) == 0 {
                    "EU"
                } else {
                    "CN"
                },
                channel: rng.pick::<&str>(&["web", "app", "wechat"]),
                agent,
                started,
                lines,
                notified: rng.below(40) != 0,
            }
        })
        .collect()
}
