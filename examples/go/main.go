// A small helpdesk flow in Go through cgo against libchatvault: create an
// archive, ingest a conversation (an identifier masked, an agent's contact
// word blocked and reported live to a Go callback), let a supervisor read
// it with a private key (私钥), let an agent reveal the masked phone number
// with a restore key (还原密钥), and verify the archive against its audit
// log.
//
// Run from the repository root after `cargo build`:
//
//	CGO_CFLAGS="-I$PWD/include" \
//	CGO_LDFLAGS="$PWD/target/debug/libchatvault.a -lpthread -ldl -lm" \
//	go run ./examples/go
package main

/*
#include <stdlib.h>
#include "chatvault.h"

// bridge.c: the Go callback goReport as the library's reporter, with the
// cgo.Handle as the user data.
chatvault_result set_go_reporter(const chatvault_archive *a, uintptr_t handle);
*/
import "C"

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/cgo"
	"sync"
	"unsafe"
)

const jan5 = 1767571200 // 2026-01-05T00:00:00Z
const day = 86400

// check turns a result code into a Go error with the library's message.
func check(what string, rc C.chatvault_result) error {
	if rc == C.CHATVAULT_RESULT_OK {
		return nil
	}
	buf := make([]byte, 512)
	var written C.size_t
	msg := "(no message)"
	if C.chatvault_last_error_message((*C.char)(unsafe.Pointer(&buf[0])), C.size_t(len(buf)), &written) == C.CHATVAULT_RESULT_OK && written > 0 {
		msg = string(buf[:written-1])
	}
	return fmt.Errorf("%s failed (%d): %s", what, int(rc), msg)
}

// cstr is a Go string as a (pointer, length) input; the memory is C's and
// freed by the returned function.
func cstr(s string) (*C.uint8_t, C.size_t, func()) {
	if len(s) == 0 {
		return nil, 0, func() {}
	}
	p := C.CBytes([]byte(s))
	return (*C.uint8_t)(p), C.size_t(len(s)), func() { C.free(p) }
}

func goBytes(b *C.chatvault_bytes) string {
	return C.GoStringN((*C.char)(unsafe.Pointer(b.data)), C.int(b.len))
}

// Live reports, as a supervisor's dashboard would receive them.
type dashboard struct {
	mu      sync.Mutex
	reports []string
}

//export goReport
func goReport(r *C.chatvault_archive_report, userData unsafe.Pointer) {
	d := cgo.Handle(userData).Value().(*dashboard)
	text := func(p *C.uint8_t, n C.size_t) string {
		return C.GoStringN((*C.char)(unsafe.Pointer(p)), C.int(n))
	}
	line := fmt.Sprintf("%s in %s/%s: %s", text(r.actor, r.actor_len),
		text(r.conversation, r.conversation_len), text(r.message, r.message_len),
		text(r.detail, r.detail_len))
	d.mu.Lock()
	d.reports = append(d.reports, line)
	d.mu.Unlock()
}

func run(dir string) error {
	kek := make([]byte, C.CHATVAULT_KEK_LEN) // from your KMS
	for i := range kek {
		kek[i] = byte(0x5a ^ i)
	}
	kekC := C.CBytes(kek)
	defer C.free(kekC)

	var master *C.chatvault_master_key
	if err := check("master key", C.chatvault_master_key_generate(&master)); err != nil {
		return err
	}
	defer C.chatvault_master_key_free(master)
	dirP, dirN, free1 := cstr(dir)
	defer free1()
	tenantP, tenantN, free2 := cstr("acme-helpdesk")
	defer free2()
	options := C.chatvault_archive_options{
		suite:        C.CHATVAULT_SUITE_AES256_GCM,
		consent:      C.CHATVAULT_ARCHIVE_CONSENT_RULE_NONE,
		max_batch:    64,
		max_delay_us: 10000,
	}
	var archive *C.chatvault_archive
	if err := check("create", C.chatvault_archive_create_with_kek(dirP, dirN, tenantP, tenantN,
		master, (*C.uint8_t)(kekC), C.size_t(len(kek)), &options, &archive)); err != nil {
		return err
	}
	defer C.chatvault_archive_free(archive)
	fmt.Println("archive created in", dir)

	// Agents may not send contact details.
	var dict *C.chatvault_scan_dict
	var policy *C.chatvault_scan_policy
	var scanner *C.chatvault_scanner
	var contact C.uint8_t
	wordP, wordN, free3 := cstr("微信")
	defer free3()
	catP, catN, free4 := cstr("contact")
	defer free4()
	steps := []struct {
		what string
		call func() C.chatvault_result
	}{
		{"dictionary", func() C.chatvault_result { return C.chatvault_scan_dict_new(&dict) }},
		{"category", func() C.chatvault_result { return C.chatvault_scan_dict_category(dict, catP, catN, &contact) }},
		{"word", func() C.chatvault_result { return C.chatvault_scan_dict_add(dict, wordP, wordN, contact, false) }},
		{"policy", func() C.chatvault_result { return C.chatvault_scan_policy_new(C.CHATVAULT_SCAN_ACTION_ALLOW, &policy) }},
		{"policy", func() C.chatvault_result {
			return C.chatvault_scan_policy_set(policy, contact, C.CHATVAULT_SCAN_DIRECTION_AGENT_TO_CUSTOMER, C.CHATVAULT_SCAN_ACTION_BLOCK)
		}},
		{"scanner", func() C.chatvault_result { return C.chatvault_scan_dict_build(dict, C.CHATVAULT_NORM_ALL, policy, &scanner) }},
		{"set scanner", func() C.chatvault_result { return C.chatvault_archive_set_scanner(archive, scanner) }},
	}
	for _, s := range steps {
		if err := check(s.what, s.call()); err != nil {
			return err
		}
	}
	C.chatvault_scanner_free(scanner)
	C.chatvault_scan_policy_free(policy)
	C.chatvault_scan_dict_free(dict)

	board := &dashboard{}
	handle := cgo.NewHandle(board)
	defer handle.Delete()
	if err := check("reporter", C.set_go_reporter(archive, C.uintptr_t(handle))); err != nil {
		return err
	}
	// Stop the reporter before the handle goes.
	defer C.chatvault_archive_set_reporter(archive, nil, nil)

	// Ingest.
	var conv C.chatvault_archive_conversation
	idP, idN, free5 := cstr("conv-1")
	defer free5()
	deptP, deptN, free6 := cstr("sales")
	defer free6()
	custP, custN, free7 := cstr("cust-42")
	defer free7()
	generalP, generalN, free8 := cstr("general")
	defer free8()
	conv.id, conv.id_len = idP, idN
	conv.department, conv.department_len = deptP, deptN
	conv.customer, conv.customer_len = custP, custN
	conv.category, conv.category_len = generalP, generalN
	conv.started = jan5 + 9*3600
	if err := check("start", C.chatvault_archive_start_conversation(archive, &conv)); err != nil {
		return err
	}
	messages := []struct {
		id, sender, text string
		role             C.uint32_t
	}{
		{"m1", "", "Hi, my phone is +86 139 0013 9000", C.CHATVAULT_AUDIT_ROLE_CUSTOMER},
		{"m2", "agent-7", "Add me on 微信 and we talk there", C.CHATVAULT_AUDIT_ROLE_AGENT},
		{"m3", "agent-7", "Thanks, I have logged your request", C.CHATVAULT_AUDIT_ROLE_AGENT},
	}
	for i, m := range messages {
		mid, midN, f1 := cstr(m.id)
		snd, sndN, f2 := cstr(m.sender)
		txt, txtN, f3 := cstr(m.text)
		msg := C.chatvault_archive_message{
			conversation: idP, conversation_len: idN, id: mid, id_len: midN,
			role: m.role, sender: snd, sender_len: sndN,
			time: C.int64_t(conv.started) + C.int64_t(30*i), text: txt, text_len: txtN,
		}
		var res C.chatvault_archive_ingested
		var display *C.chatvault_bytes
		err := check("ingest", C.chatvault_archive_ingest(archive, &msg, &res, &display, nil))
		f1()
		f2()
		f3()
		if err != nil {
			return err
		}
		if res.stored == 1 {
			fmt.Printf("%s: archived as %s\n", m.id, goBytes(display))
		} else {
			fmt.Printf("%s: BLOCKED, not stored (%d sensitive word(s))\n", m.id, int(res.matches))
		}
		C.chatvault_bytes_free(display)
	}

	// Grants.
	var tenant *C.chatvault_tenant_public
	if err := check("tenant public", C.chatvault_archive_tenant_public(archive, &tenant)); err != nil {
		return err
	}
	defer C.chatvault_tenant_public_free(tenant)
	pub := (*C.uint8_t)(C.malloc(C.CHATVAULT_GRANTEE_PUBLIC_LEN))
	defer C.free(unsafe.Pointer(pub))
	ownerP, ownerN, free9 := cstr("owner")
	defer free9()

	var supSecret, agentSecret *C.chatvault_grantee_secret
	var blob *C.chatvault_bytes
	var sup *C.chatvault_supervisor_grant
	labelP, labelN, free10 := cstr("王主管")
	defer free10()
	if err := check("grantee", C.chatvault_grantee_secret_generate(&supSecret)); err != nil {
		return err
	}
	defer C.chatvault_grantee_secret_free(supSecret)
	C.chatvault_grantee_secret_public(supSecret, pub, C.CHATVAULT_GRANTEE_PUBLIC_LEN)
	if err := check("supervisor grant", C.chatvault_archive_issue_supervisor_grant(archive, pub,
		C.CHATVAULT_GRANTEE_PUBLIC_LEN, labelP, labelN, deptP, deptN, jan5-4*day, jan5+27*day,
		jan5, jan5+30*day, ownerP, ownerN, nil, nil, 0, jan5, &blob)); err != nil {
		return err
	}
	err := check("open grant", C.chatvault_supervisor_grant_open(blob.data, blob.len, supSecret, tenant, &sup))
	C.chatvault_bytes_free(blob)
	if err != nil {
		return err
	}
	defer C.chatvault_supervisor_grant_free(sup)

	var agent *C.chatvault_agent_grant
	agentP, agentN, free11 := cstr("agent-7")
	defer free11()
	if err := check("grantee", C.chatvault_grantee_secret_generate(&agentSecret)); err != nil {
		return err
	}
	defer C.chatvault_grantee_secret_free(agentSecret)
	C.chatvault_grantee_secret_public(agentSecret, pub, C.CHATVAULT_GRANTEE_PUBLIC_LEN)
	phones := (*C.uint8_t)(C.malloc(1))
	defer C.free(unsafe.Pointer(phones))
	*phones = C.CHATVAULT_ID_CLASS_PHONE
	if err := check("agent grant", C.chatvault_archive_issue_agent_grant(archive, pub,
		C.CHATVAULT_GRANTEE_PUBLIC_LEN, agentP, agentN, phones, 1, jan5, jan5+day, ownerP, ownerN,
		nil, nil, 0, jan5, &blob)); err != nil {
		return err
	}
	err = check("open grant", C.chatvault_agent_grant_open(blob.data, blob.len, agentSecret, tenant, &agent))
	C.chatvault_bytes_free(blob)
	if err != nil {
		return err
	}
	defer C.chatvault_agent_grant_free(agent)

	// The supervisor reads the conversation (audited).
	now := C.int64_t(jan5 + 10*3600)
	supNameP, supNameN, free12 := cstr("sup-wang")
	defer free12()
	var view *C.chatvault_archive_view
	if err := check("view", C.chatvault_archive_view_conversation(archive, sup, supNameP, supNameN, idP, idN, now, &view)); err != nil {
		return err
	}
	defer C.chatvault_archive_view_free(view)
	n := int(C.chatvault_archive_view_len(view))
	fmt.Printf("supervisor view of conv-1 (%d message(s)):\n", n)
	for i := 0; i < n; i++ {
		var m C.chatvault_archive_viewed_message
		if err := check("view message", C.chatvault_archive_view_message(view, C.size_t(i), &m)); err != nil {
			return err
		}
		who := "customer"
		if m.role == C.CHATVAULT_AUDIT_ROLE_AGENT {
			who = C.GoStringN((*C.char)(unsafe.Pointer(m.sender)), C.int(m.sender_len))
		}
		fmt.Printf("  %s %-8s %s\n", C.GoStringN((*C.char)(unsafe.Pointer(m.id)), C.int(m.id_len)),
			who, C.GoStringN((*C.char)(unsafe.Pointer(m.text)), C.int(m.text_len)))
	}

	// The agent reveals the masked phone number (audited).
	m1P, m1N, free13 := cstr("m1")
	defer free13()
	var phone *C.chatvault_bytes
	if err := check("reveal", C.chatvault_archive_reveal(archive, agent, agentP, agentN, custP, custN, idP, idN, m1P, m1N, 0, now, &phone)); err != nil {
		return err
	}
	fmt.Println("agent-7 revealed:", goBytes(phone))
	C.chatvault_bytes_free(phone)

	// The audit log vouches for the archive.
	var vr C.chatvault_archive_verify_report
	if err := check("verify", C.chatvault_archive_verify(archive, &vr)); err != nil {
		return err
	}
	fmt.Printf("verified: %d message(s) match their audit records, %d audit records\n",
		int(vr.matched), uint64(vr.audit_records))
	board.mu.Lock()
	defer board.mu.Unlock()
	for _, r := range board.reports {
		fmt.Println("live report:", r)
	}
	if vr.consistent != 1 {
		return errors.New("the archive and its audit log disagree")
	}
	if len(board.reports) != 1 {
		return fmt.Errorf("expected 1 live report, got %d", len(board.reports))
	}
	return nil
}

func main() {
	tmp, err := os.MkdirTemp("", "chatvault-go-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "helpdesk:", err)
		os.Exit(1)
	}
	err = run(filepath.Join(tmp, "archive"))
	os.RemoveAll(tmp)
	if err != nil {
		fmt.Fprintln(os.Stderr, "helpdesk:", err)
		os.Exit(1)
	}
}
