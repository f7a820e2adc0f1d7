//! Scanning quality on the shared word lists: recall per disguise trick
//! and no false positive on trap lines. Reads `words/zh-64k.txt` and
//! `words/zh-allow.txt` from the shared data directory (`../shared/data`
//! or `CHATVAULT_DATA`) and says plainly when they are absent.
//!
//! Every 40th word of the list is hidden in a carrier sentence with each
//! trick (a trick that cannot change a word, such as full width on a word
//! without ASCII, skips it); a word counts as found when a match overlaps
//! the disguised word. The carrier sentences are checked to be clean on
//! their own. Run with `--nocapture` to see the table.

use std::collections::HashMap;
use std::path::PathBuf;

use chatvault::scan::{Action, DictionaryBuilder, Direction, Normalization, Policy, Scanner};

const CARRIERS: [(&str, &str); 3] = [("请问", "怎么办"), ("hello ", " ok"), ("我说", "了")];
const MIN_RECALL: f64 = 0.98;

fn data_dir() -> PathBuf {
    std::env::var_os("CHATVAULT_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data"))
}

/// Simplified to traditional, the inverse of the scanner's table, from a
/// few hundred common characters that differ (built by scanning the
/// scanner's behaviour is not possible from outside, so a fixed list).
fn to_traditional(c: char) -> Option<char> {
    const PAIRS: &str = "国國说說话話会會这這个個们們来來时時为為学學对對开開关關门門问問间間见見车車长長马馬鸟鳥鱼魚东東书書买買卖賣发發电電动動头頭实實经經线線红紅级級纸紙组組结結给給统統网網罗羅药藥华華万萬专專业業丝絲严嚴丰豐临臨为為举舉义義乐樂习習乡鄉亲親从從众眾优優传傳伤傷体體价價众眾侠俠偿償儿兒党黨兰蘭写寫军軍农農冯馮冲衝决決净淨凉涼刘劉则則刚剛创創剧劇办辦务務动動劳勞势勢区區医醫华華卫衛历歷厅廳压壓县縣参參双雙变變叶葉号號叹嘆吗嗎听聽启啟吴吳员員响響团團园園围圍图圖圆圓场場坏壞块塊坚堅坛壇声聲处處备備复復够夠头頭夺奪奋奮奖獎妇婦妈媽孙孫宝寶审審宪憲宫宮宽寬宾賓对對寻尋导導层層岁歲岛島币幣师師带帶帮幫干幹广廣庆慶应應庙廟废廢开開异異张張弹彈强強归歸当當录錄彻徹征徵忆憶志誌忧憂怀懷态態总總恋戀恶惡悬懸惊驚惨慘戏戲战戰户戶扑撲执執扩擴扫掃扬揚护護报報担擔择擇挂掛挡擋挤擠换換据據携攜摄攝摆擺数數斗鬥断斷无無旧舊时時显顯晓曉术術机機杀殺权權条條来來杨楊极極构構枪槍柜櫃标標树樹样樣桥橋档檔梦夢检檢楼樓欢歡毕畢毛毛气氣汉漢汤湯沟溝没沒沪滬泪淚泽澤洁潔浅淺测測济濟浓濃涛濤润潤涨漲渐漸温溫湾灣满滿滚滾灭滅灯燈灵靈炉爐点點炼煉烂爛热熱焕煥爱愛爷爺牵牽状狀犹猶独獨狮獅献獻环環现現琼瓊画畫畅暢疗療盖蓋盘盤矿礦码碼础礎确確礼禮祸禍离離种種积積称稱稳穩穷窮窝窩竞競笔筆笼籠筑築签簽简簡粮糧紧緊纪紀约約级級纳納纵縱练練组組细細织織终終经經绕繞绘繪给給络絡绝絕统統继繼续續维維绿綠编編缘緣网網罗羅罚罰职職联聯肃肅胜勝脑腦脚腳脸臉艺藝节節药藥获獲营營虑慮虽雖补補装裝观觀规規视視览覽觉覺计計认認讨討让讓训訓议議记記讲講许許论論设設访訪证證评評识識诉訴词詞译譯试試诗詩诚誠话話询詢该該详詳语語误誤请請读讀谁誰调調谈談谢謝贝貝负負贡貢财財责責败敗货貨质質购購贯貫费費资資赛賽赶趕轮輪软軟转轉轻輕较較辆輛输輸边邊过過运運还還这這进進远遠连連迟遲适適选選递遞邮郵邻鄰酱醬钟鐘钢鋼钱錢铁鐵银銀销銷锁鎖错錯键鍵长長闪閃闭閉问問闲閒间間闻聞队隊阳陽际際陆陸陈陳险險随隨难難雾霧静靜页頁顶頂项項顺順须須领領频頻题題颜顏风風飞飛饭飯饮飲饱飽馆館验驗鱼魚鲜鮮鸡雞黄黃齐齊龙龍";
    let v: Vec<char> = PAIRS.chars().collect();
    v.chunks(2)
        .find(|p| p[0] == c && p[0] != p[1])
        .map(|p| p[1])
}

type Trick = fn(&str) -> Option<String>;

fn between(w: &str, sep: &str) -> Option<String> {
    let chars: Vec<char> = w.chars().collect();
    (chars.len() >= 2).then(|| {
        chars
            .iter()
            .map(|c| c.to_string())
            .collect::<Vec<_>>()
            .join(sep)
    })
}

fn map_chars(w: &str, f: impl Fn(char) -> Option<char>) -> Option<String> {
    let out: String = w.chars().map(|c| f(c).unwrap_or(c)).collect();
    (out != w).then_some(out)
}

fn tricks() -> Vec<(&'static str, Trick)> {
    vec![
        ("spaces between characters", |w| between(w, " ")),
        ("symbols between characters", |w| between(w, "*")),
        ("zero-width between characters", |w| between(w, "\u{200B}")),
        ("full width", |w| {
            map_chars(w, |c| {
                (c.is_ascii_graphic()).then(|| char::from_u32(c as u32 + 0xFEE0).unwrap_or(c))
            })
        }),
        ("upper case", |w| {
            let up = w.to_uppercase();
            (up != w).then_some(up)
        }),
        ("traditional script", |w| map_chars(w, to_traditional)),
        ("circled digits", |w| {
            map_chars(w, |c| match c {
                '1'..='9' => char::from_u32(0x2460 + c as u32 - '1' as u32),
                _ => None,
            })
        }),
        ("circled letters", |w| {
            map_chars(w, |c| match c {
                'a'..='z' => char::from_u32(0x24D0 + c as u32 - 'a' as u32),
                'A'..='Z' => char::from_u32(0x24B6 + c as u32 - 'A' as u32),
                _ => None,
            })
        }),
        ("financial numerals", |w| {
            map_chars(w, |c| match c {
                '1'..='9' => "壹贰叁肆伍陆柒捌玖".chars().nth(c as usize - '1' as usize),
                _ => None,
            })
        }),
        ("leetspeak inside Latin words", |w| {
            let chars: Vec<char> = w.chars().collect();
            let out: String = chars
                .iter()
                .enumerate()
                .map(|(k, &c)| {
                    let next_alnum = chars.get(k + 1).is_some_and(|n| n.is_ascii_alphanumeric());
                    let leet = match c.to_ascii_lowercase() {
                        'a' => '4',
                        'e' => '3',
                        'i' => '1',
                        'o' => '0',
                        's' => '5',
                        _ => c,
                    };
                    if next_alnum {
                        leet
                    } else {
                        c
                    }
                })
                .collect();
            (out != w).then_some(out)
        }),
        ("repeated characters", |w| {
            let cjk = |c: char| ('\u{4E00}'..='\u{9FFF}').contains(&c);
            let out: String = w
                .chars()
                .flat_map(|c| std::iter::repeat_n(c, if cjk(c) { 2 } else { 1 }))
                .collect();
            (out != w).then_some(out)
        }),
    ]
}

struct Lists {
    words: Vec<String>,
    scanner: Scanner,
}

fn lists() -> Option<Lists> {
    let dir = data_dir();
    let (Ok(words), Ok(allow)) = (
        std::fs::read_to_string(dir.join("words/zh-64k.txt")),
        std::fs::read_to_string(dir.join("words/zh-allow.txt")),
    ) else {
        eprintln!(
            "scan evaluation: shared word lists not found under {} (set CHATVAULT_DATA); not run",
            dir.display()
        );
        return None;
    };
    let mut d = DictionaryBuilder::new();
    let c = d.category("general").unwrap();
    d.load_plain(&words, c).unwrap();
    d.load_allow(&allow);
    // The classic traps need their allow-list entries, as in production.
    d.allow("大麻烦").allow("路口交通");
    let scanner = d
        .build(Normalization::ALL, Policy::new(Action::Report))
        .unwrap();
    let words = words
        .lines()
        .map(str::trim)
        .filter(|w| !w.is_empty() && !w.starts_with('#'))
        .map(str::to_owned)
        .collect();
    Some(Lists { words, scanner })
}

fn found(s: &Scanner, text: &str, at: std::ops::Range<usize>) -> bool {
    s.scan(text, Direction::CustomerToAgent)
        .unwrap()
        .matches
        .iter()
        .any(|m| m.span.start < at.end && at.start < m.span.end)
}

#[test]
fn recall_per_trick_and_clean_traps() {
    let Some(l) = lists() else { return };
    let s = &l.scanner;
    for (a, b) in CARRIERS {
        assert!(
            s.scan(&format!("{a}{b}"), Direction::CustomerToAgent)
                .unwrap()
                .matches
                .is_empty(),
            "carrier {a:?}{b:?} is not clean"
        );
    }
    let sample: Vec<&String> = l.words.iter().step_by(40).collect();
    let mut table: Vec<(&str, usize, usize, Vec<String>)> = Vec::new();
    // Plain words first: the baseline the tricks are measured against.
    let mut rows: Vec<(&str, Trick)> = vec![("as written", |w| Some(w.to_owned()))];
    rows.extend(tricks());
    for (name, trick) in rows {
        let (mut tried, mut hit, mut missed) = (0, 0, Vec::new());
        for (k, w) in sample.iter().enumerate() {
            let Some(hidden) = trick(w) else { continue };
            let (a, b) = CARRIERS[k % CARRIERS.len()];
            let text = format!("{a}{hidden}{b}");
            tried += 1;
            if found(s, &text, a.len()..a.len() + hidden.len()) {
                hit += 1;
            } else if missed.len() < 5 {
                missed.push(hidden);
            }
        }
        table.push((name, tried, hit, missed));
    }
    let mut report = String::from("| trick | words | found | recall |\n|---|---:|---:|---:|\n");
    for (name, tried, hit, _) in &table {
        report.push_str(&format!(
            "| {name} | {tried} | {hit} | {:.4} |\n",
            *hit as f64 / (*tried).max(1) as f64
        ));
    }
    println!("{report}");
    for (name, tried, hit, missed) in &table {
        assert!(*tried >= 20, "{name}: only {tried} words");
        let recall = *hit as f64 / *tried as f64;
        assert!(
            recall >= MIN_RECALL,
            "{name}: recall {recall:.4}; missed e.g. {missed:?}"
        );
    }
}

#[test]
fn trap_lines_stay_clean() {
    let Some(l) = lists() else { return };
    let s = &l.scanner;
    let allow = std::fs::read_to_string(data_dir().join("words/zh-allow.txt")).unwrap();
    let mut traps: Vec<String> = allow
        .lines()
        .map(str::trim)
        .filter(|w| !w.is_empty())
        .map(|w| format!("请问{w}怎么办"))
        .collect();
    traps.extend(
        [
            "真是大麻烦",
            "前面路口交通拥堵",
            "Scunthorpe United",
            "first class",
        ]
        .map(str::to_owned),
    );
    let mut flagged: HashMap<String, Vec<String>> = HashMap::new();
    for t in &traps {
        let v = s.scan(t, Direction::CustomerToAgent).unwrap();
        if !v.matches.is_empty() {
            flagged.insert(
                t.clone(),
                v.matches
                    .iter()
                    .map(|m| t[m.span.clone()].to_owned())
                    .collect(),
            );
        }
    }
    assert!(flagged.is_empty(), "trap lines flagged: {flagged:?}");
}
