package api

import "strconv"

// methodLists are the declarations of every file, in the order of the reference.
func methodLists() [][]*Method {
	return [][]*Method{sessionMethods, clientMethods, passwordMethods, groupMethods, settingMethods, serviceMethods, trafficMethods,
		invoiceMethods, contentMethods, fileMethods, consentMethods, ticketMethods, portalMethods}
}

func itoa(i int) string     { return strconv.Itoa(i) }
func itoa64(i int64) string { return strconv.FormatInt(i, 10) }
