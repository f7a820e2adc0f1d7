//! chatvault demo: a tenant, a supervisor and an agent, a conversation whose
//! identifiers are masked at ingest and sealed, what each of them can and
//! cannot read, rotation and crypto-shredding.
//!
//! Run: `cargo run --release --example demo`. Uses only built-in sample data
//! and a temporary directory for the key store.

use std::sync::Arc;

use chatvault::keys::{
    AgentGrant, AgentScope, Argon2Params, DataKeyId, Domain, FileKeyStore, GranteeSecret, IdClass,
    KeyStore, Keyring, MasterKey, SupervisorGrant, SupervisorScope, Validity,
};
use chatvault::mask::{CustomerKeys, Masker, RecordRef, RestoreKeys, RestoreMap};
use chatvault::pii::Detector;
use chatvault::seal::{Context, Normalization, Suite};

const TENANT: &str = "acme-helpdesk";
const JAN_1_2026: i64 = 1_767_225_600;
const DAY: i64 = 86_400;

struct Msg {
    id: &'static str,
    at: i64,
    text: &'static str,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::temp_dir().join(format!("chatvault-demo-{}", std::process::id()));
    let store: Arc<dyn KeyStore> = Arc::new(FileKeyStore::open(&dir)?);

    // 1. The owner creates the tenant's master key and keeps it only wrapped.
    let tmk = MasterKey::generate()?;
    println!("owner: master key {tmk:?}");
    let wrapped =
        tmk.export_with_passphrase(TENANT, b"owner passphrase", Argon2Params::RECOMMENDED)?;
    println!(
        "owner: master key exported wrapped under Argon2id (64 MiB, 3 passes): {} bytes",
        wrapped.len()
    );
    let tmk = MasterKey::import_with_passphrase(TENANT, &wrapped, b"owner passphrase")?;
    let ring = Keyring::new(TENANT, tmk, store.clone())?;

    // 2. A conversation in the sales department, sealed message by message.
    let conversation = "conv-20260105-0042";
    let started = JAN_1_2026 + 4 * DAY + 9 * 3600;
    let messages = [
        Msg {
            id: "m1",
            at: started,
            text: "您好，我想改一下收货地址",
        },
        Msg {
            id: "m2",
            at: started + 40,
            text: "好的，请提供订单号和手机号",
        },
        Msg {
            id: "m3",
            at: started + 95,
            text: "订单 202601050042，手机 138 0013 5678，身份证 11010519491231002X",
        },
    ];
    // Identifiers are found and masked before anything is archived: the
    // archive holds the masked text, and each original sealed under the
    // customer's key for its class (the restore map).
    let customer = "cust-7781";
    let detector = Detector::new();
    let masker = Masker::new(ring.pseudonym_key()?);
    let customer_keys = CustomerKeys::new(&ring, customer);
    let key = ring.conversation_key("sales", conversation, started)?;
    let mut archive = Vec::new();
    for (m, suite) in messages
        .iter()
        .zip([Suite::Aes256Gcm, Suite::Sm4Gcm, Suite::Aes256GcmSm4Gcm])
    {
        let record = format!("{conversation}/{}", m.id);
        let found = detector.detect(m.text)?;
        let masked = masker.mask(
            m.text,
            &found,
            &customer_keys,
            &RecordRef::new(TENANT, &record),
        )?;
        let sealed = key.sealer(suite).seal(
            &Context::new(TENANT, &record, "text"),
            masked.text.as_bytes(),
        )?;
        println!(
            "ingest: {record} sealed with {:<20} {} bytes, {} identifier(s) masked",
            suite.name(),
            sealed.len(),
            found.len()
        );
        archive.push((record, suite, m.at, sealed, masked.map.to_bytes()));
    }
    drop(customer_keys);

    // The customer's phone number is also kept as a field, sealed under the
    // customer's phone key, and indexed blindly so the helpdesk can find the
    // customer by number.
    let phone = "138 0013 5678";
    let phone_ctx = Context::new(TENANT, customer, "phone");
    let sealed_phone = ring
        .customer_key(customer, IdClass::Phone)?
        .sealer(Suite::Aes256Gcm)
        .seal(&phone_ctx, phone.as_bytes())?;
    let indexer = ring.blind_indexer(16)?;
    let index = indexer.index("phone", phone, Normalization::Phone)?;
    let lookup = indexer.index("phone", "+86 13800135678", Normalization::Phone)?;
    println!(
        "ingest: phone sealed ({} bytes); blind index {} matches a search for +86 13800135678: {}",
        sealed_phone.len(),
        hex(&index),
        index == lookup
    );

    // 3. Grants: the supervisor's private key for sales in January, the
    // agent's restore key for phone numbers.
    let supervisor = GranteeSecret::generate()?;
    let agent = GranteeSecret::generate()?;
    let now = JAN_1_2026 + 10 * DAY;
    let validity = Validity::new(now, now + 30 * DAY)?;
    let sup_blob = ring.issue_supervisor_grant(
        &supervisor.public(),
        "王主管 (sales)",
        &SupervisorScope::new(&["sales"], JAN_1_2026, JAN_1_2026 + 31 * DAY)?,
        validity,
        now,
    )?;
    let agent_blob = ring.issue_agent_grant(
        &agent.public(),
        "客服 007",
        &AgentScope::new(&[IdClass::Phone])?,
        validity,
        now,
    )?;
    println!(
        "owner: issued a supervisor grant ({} bytes) and an agent grant ({} bytes)",
        sup_blob.len(),
        agent_blob.len()
    );
    let tenant_public = ring.tenant_public();
    let sup = SupervisorGrant::open(&sup_blob, &supervisor, &tenant_public)?;
    let agt = AgentGrant::open(&agent_blob, &agent, &tenant_public)?;

    // 4. The supervisor reads the archive; the agent reveals the phone.
    let conv_key = sup.conversation_key(&*store, "sales", conversation, now)?;
    let mut shown = Vec::new();
    for (record, suite, at, sealed, map) in &archive {
        sup.permits("sales", *at, now)?;
        let plain = conv_key
            .sealer(*suite)
            .open(&Context::new(TENANT, record, "text"), sealed)?;
        let text = String::from_utf8(plain.to_vec())?;
        println!("supervisor: {record}: {text}");
        shown.push((record.clone(), text, RestoreMap::from_bytes(map)?));
    }
    // The agent's restore key reveals the masked phone number in the
    // message, and only that.
    let agent_keys = RestoreKeys::new(&agt, &*store, customer, now);
    for (record, text, map) in shown.iter().filter(|(_, _, m)| !m.is_empty()) {
        let r = map.restore_permitted(text, &agent_keys, &RecordRef::new(TENANT, record))?;
        println!(
            "agent: {record}: {} ({} revealed, {} withheld: not in the grant)",
            r.text,
            r.revealed.len(),
            r.withheld.len()
        );
        if r.withheld.is_empty() || r.text.contains("11010519491231002X") {
            return Err("agent revealed a class outside the grant".into());
        }
    }
    drop(agent_keys);
    match sup.conversation_key(&*store, "support", conversation, now) {
        Err(e) => println!("supervisor: support department refused: {e}"),
        Ok(_) => return Err("supervisor read another department".into()),
    }
    match sup.conversation_key(&*store, "sales", conversation, now + 31 * DAY) {
        Err(e) => println!("supervisor: after expiry refused: {e}"),
        Ok(_) => return Err("expired grant still worked".into()),
    }
    let phone_key = agt.customer_key(&*store, customer, IdClass::Phone, now)?;
    let revealed = phone_key
        .sealer(Suite::Aes256Gcm)
        .open(&phone_ctx, &sealed_phone)?;
    println!(
        "agent: revealed phone {}",
        String::from_utf8_lossy(&revealed)
    );
    ring.customer_key(customer, IdClass::IdCard)?;
    match agt.customer_key(&*store, customer, IdClass::IdCard, now) {
        Err(e) => println!("agent: id card refused: {e}"),
        Ok(_) => return Err("agent revealed a class outside the grant".into()),
    }

    // 5. Revocation by rotation: the old supervisor grant stops working.
    let rot = ring.rotate(&Domain::Archive("sales".into()))?;
    println!(
        "owner: rotated sales v{} -> v{}, rewrapped {} data key(s) without exposing them",
        rot.old_version, rot.new_version, rot.rewrapped
    );
    let sup_again = SupervisorGrant::open(&sup_blob, &supervisor, &tenant_public)?;
    match sup_again.conversation_key(&*store, "sales", conversation, now) {
        Err(e) => println!("supervisor: old grant after rotation refused: {e}"),
        Ok(_) => return Err("rotation did not revoke".into()),
    }

    // 6. Erasure: shredding the customer's keys makes the phone unreadable
    // for everyone, backups included.
    let n = ring.shred_customer(customer)?;
    println!("owner: shredded {n} key(s) of {customer}");
    match ring.data_key(&DataKeyId::customer(customer, IdClass::Phone)) {
        Err(e) => println!("owner: phone key after shredding: {e}"),
        Ok(_) => return Err("shredded key still present".into()),
    }
    let agent_keys = RestoreKeys::new(&agt, &*store, customer, now);
    for (record, text, map) in shown.iter().filter(|(_, _, m)| !m.is_empty()) {
        let r = map.restore_permitted(text, &agent_keys, &RecordRef::new(TENANT, record))?;
        println!(
            "agent: {record} after shredding: {} ({} revealed)",
            r.text,
            r.revealed.len()
        );
        if !r.revealed.is_empty() {
            return Err("a shredded identifier was revealed".into());
        }
    }

    std::fs::remove_dir_all(&dir)?;
    println!("done: every allowed read worked and every forbidden one was refused");
    Ok(())
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}
