package sms

import "fmt"

// Status is an SMPP command_status.
type Status uint32

// Command statuses the transport and the test SMSC use by name.
const (
	StatusOK               Status = 0x00 // ESME_ROK
	StatusInvalidMsgLen    Status = 0x01 // ESME_RINVMSGLEN
	StatusInvalidCmdID     Status = 0x03 // ESME_RINVCMDID
	StatusInvalidBindState Status = 0x04 // ESME_RINVBNDSTS
	StatusSystemError      Status = 0x08 // ESME_RSYSERR
	StatusInvalidDestAddr  Status = 0x0B // ESME_RINVDSTADR
	StatusBindFailed       Status = 0x0D // ESME_RBINDFAIL
	StatusInvalidPassword  Status = 0x0E // ESME_RINVPASWD
	StatusInvalidSystemID  Status = 0x0F // ESME_RINVSYSID
	StatusMsgQueueFull     Status = 0x14 // ESME_RMSGQFUL
	StatusSubmitFailed     Status = 0x45 // ESME_RSUBMITFAIL
	StatusThrottled        Status = 0x58 // ESME_RTHROTTLED
)

var statusNames = map[Status]string{
	StatusOK:               "ESME_ROK",
	StatusInvalidMsgLen:    "ESME_RINVMSGLEN",
	StatusInvalidCmdID:     "ESME_RINVCMDID",
	StatusInvalidBindState: "ESME_RINVBNDSTS",
	StatusSystemError:      "ESME_RSYSERR",
	StatusInvalidDestAddr:  "ESME_RINVDSTADR",
	StatusBindFailed:       "ESME_RBINDFAIL",
	StatusInvalidPassword:  "ESME_RINVPASWD",
	StatusInvalidSystemID:  "ESME_RINVSYSID",
	StatusMsgQueueFull:     "ESME_RMSGQFUL",
	StatusSubmitFailed:     "ESME_RSUBMITFAIL",
	StatusThrottled:        "ESME_RTHROTTLED",
}

// String gives the spec name and hex value, e.g. "ESME_RTHROTTLED (0x58)".
func (s Status) String() string {
	if n, ok := statusNames[s]; ok {
		return fmt.Sprintf("%s (0x%02X)", n, uint32(s))
	}
	return fmt.Sprintf("status 0x%02X", uint32(s))
}

// Temporary reports whether a submit_sm refused with s may succeed later:
// only throttling and a full queue are the SMSC's momentary state; every
// other status describes the message or account and will repeat.
func (s Status) Temporary() bool {
	return s == StatusThrottled || s == StatusMsgQueueFull
}
