package core

// AuditListQuery is AuditList's statement, for the test that reads its plan.
var AuditListQuery = auditListQuery
