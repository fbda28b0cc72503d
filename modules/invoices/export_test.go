package invoices

// ListInvoicesQuery and ListPaymentsQuery are the lists' statements, for the test
// that reads their plans.
var (
	ListInvoicesQuery = listInvoicesQuery
	ListPaymentsQuery = listPaymentsQuery
)
