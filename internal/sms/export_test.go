package sms

// The transport tests talk to smpptest's SMSC and gatewaytest's gateway, which
// import this package, so they are external tests (package sms_test). These
// names hand them the internals they check.

// ErrBodyLimit is how much of a gateway's error body an error quotes.
const ErrBodyLimit = errBodyLimit

var (
	// SubmitBodies builds the submit_sm bodies of a message.
	SubmitBodies = submitBodies
	// Split returns a text's encoding and parts.
	Split = split
	// EncodePart renders one part in its encoding.
	EncodePart = encodePart
)
