package usage

// ListQuery is List's statement, for the test that reads its plan.
var ListQuery = listQuery
