package settings

import (
	"fmt"
	"net/url"
	"strings"
)

// The declarations. Key names follow the ISPadmin reference so that staff who know
// them find them; settings the reference leaves implicit carry the same prefixes.

// General: system-wide identity and addresses.
var (
	SystemMail = text(Def{Key: "system_mail", Type: Email, Section: SecGeneral,
		Label: "System e-mail address",
		Help:  "Sender address of every e-mail the portal sends. Without it (and its name) password links cannot be sent and the forgotten-password link is hidden."})
	SystemMailName = text(Def{Key: "system_mail_name", PerBrand: true, Type: String, Section: SecGeneral, Max: 200,
		Label: "System e-mail name",
		Help:  "Sender name shown with the system e-mail address."})
	ServerURL = text(Def{Key: "server_url", Aliases: []string{"ispadmin_server"}, Type: URL, Section: SecGeneral,
		Label: "Server address",
		Help:  "Public address of the ISP's server. Portal links use it with /clientinterface/ appended when ci_url is empty."})
	SMSNotify = text(Def{Key: "sms_notify", Type: Enum, Default: "disabled", Options: []string{"disabled", "gateway", "smpp"},
		Section: SecSMS, Label: "SMS transport",
		Help: "How SMS leave the system: disabled, an HTTP SMS gateway or an SMPP connection. The Send SMS tab is shown only when the chosen transport is configured and ci_sms_enable is on."})
	PortalName = text(Def{Key: "ci_portal_name", PerBrand: true, Type: String, Section: SecGeneral, Max: 100,
		Label: "Portal name",
		Help:  "The ISP's name for its portal, shown beside the logo, in page titles and as the name of the app a subscriber installs on a phone. Empty: \"Client portal\" in the page's language."})
	PortalURL = text(Def{Key: "ci_url", PerBrand: true, Type: URL, Section: SecGeneral,
		Label: "Client portal address",
		Help:  "Public address of the portal, used for links in e-mails (password links, helpdesk replies); its host name is also the name given in the SMTP greeting and in Message-IDs (else that of server_url, else the sender's domain). Never taken from the request's Host header."})
	ForgottenPassword = text(Def{Key: "ci_forgotten_password", Type: Enum, Default: "email", Options: []string{"email", "username"},
		Section: SecGeneral, Label: "Forgotten password asks for",
		Help: "Whether a client asking for a password link enters their e-mail address or their login name (client number or username)."})
	PasswordMinLength = integer(Def{Key: "ci_client_password_min_length", Default: "12", Min: 8, Max: 64,
		Section: SecSecurity, Label: "Minimum password length",
		Help: "Fewest characters of a client's new password and of a one-time password typed by staff."})
	LoginNameCreation = boolean(Def{Key: "ci_enable_login_name_creation", Default: "0", Section: SecGeneral,
		Label: "Log in with a custom username",
		Help: "On: clients can be given a custom username (through the API) to log in with instead of the client number, and the login form asks for " +
			"\"client number or username\". Off: no new usernames can be set and the form asks for the client number. " +
			"A client who has a username always logs in with it, whatever this says later."})
	ClientDataChange = boolean(Def{Key: "ci_enable_client_data_change", Aliases: []string{"ci_enable_cllient_data_change"},
		Default: "1", Section: SecGeneral, Gates: "info (data change)",
		Label: "Clients may change their contact data",
		Help:  "Shows the Data change button on the Information page."})
	DataChangeNotify = text(Def{Key: "ci_data_change_notify_email", Type: EmailList, Section: SecGeneral,
		Label: "Notify about data changes",
		Help:  "Addresses (separated by commas or semicolons) that receive an e-mail when a client changes their contact data. Empty: nobody."})
	WebmailURL = text(Def{Key: "ci_webmail_url", Type: URL, Section: SecGeneral,
		Label: "Webmail address",
		Help:  "Target of the Webmail button. Empty: no button."})
	DisplayGraphTab = boolean(Def{Key: "ci_display_graph_tab", Default: "1", Section: SecGeneral, Gates: "services (traffic)",
		Label: "Show traffic graphs",
		Help:  "Shows the Data transferred button and traffic graphs (unless the tariff hides them)."})
	DisplayInvoicesTab = boolean(Def{Key: "ci_display_invoices_tab", PerBrand: true, Default: "1", Section: SecGeneral, Gates: "invoices",
		Label: "Show the Invoicing tab", Help: "Invoices, payments and how to pay."})
	DisplayBalance = boolean(Def{Key: "ci_display_balance", Default: "1", Section: SecGeneral,
		Label: "Show the balance", Help: "Shows the client's balance on the Invoicing tab."})
	DisplayCashPayments = boolean(Def{Key: "ci_display_cash_payments", Default: "1", Section: SecGeneral,
		Label: "Show cash payments", Help: "Lists payments made in cash among the client's payments."})
	DisplayFilesTab = boolean(Def{Key: "ci_display_documents_tab", PerBrand: true, Default: "1", Section: SecGeneral, Gates: "files",
		Label: "Show the Files tab", Help: "Files the provider publishes (Other -> Files), optionally per invoice group. (The reference names this setting 'documents'.)"})
	DisplayDocumentsTab = boolean(Def{Key: "ci_display_contracts_tab", PerBrand: true, Default: "1", Section: SecGeneral, Gates: "documents",
		Label: "Show the Documents tab", Help: "The client's contracts and documents marked 'display in portal'."})
	DisplayGDPRTab = boolean(Def{Key: "ci_display_gdpr_tab", PerBrand: true, Default: "1", Section: SecGeneral,
		Label: "Show the GDPR tab", Help: "Consent documents the client can give, edit and withdraw. Off hides them; the client's own data (export, erasure and restriction requests) stays in the menu as My data, because those are rights, not consents."})
	SMSEnable = boolean(Def{Key: "ci_sms_enable", Default: "0", Section: SecSMS, Gates: "sms",
		Label: "Clients may send SMS", Help: "Shows the Send SMS tab when sms_notify names a configured transport."})
	SMSPerMonth = integer(Def{Key: "ci_sms_per_month", Default: "0", Min: 0, Max: 100000, Section: SecSMS,
		Label: "SMS per client per month", Help: "How many SMS one client may send in a calendar month. 0 or empty: unlimited."})
	SkinTheme = text(Def{Key: "ci_skin_theme", PerBrand: true, Type: String, Default: "default", Section: SecAppearance, Check: themeName, Max: 40,
		Label: "Colour theme",
		Help:  "default (red), orange, blue, green, or the name of a custom theme folder in data/themes (made with 'portal theme copy default NAME'). An unknown name falls back to default."})
	AllowCrossOriginLogin = boolean(Def{Key: "ci_login_form_allow_cross_origin", Default: "0", Section: SecSecurity,
		Label: "Allow a login form on the ISP's website",
		Help:  "Accepts the login form POSTed to /sign/ from the sites listed in ci_login_form_origins. No other form loses its CSRF protection."})
	LoginFormOrigins = text(Def{Key: "ci_login_form_origins", Type: String, Section: SecSecurity, Check: originList,
		Label: "Websites allowed to post the login form",
		Help:  "Origins such as https://www.example-isp.cz, separated by spaces or commas. Used only when ci_login_form_allow_cross_origin is on."})
	ForwardAfterLogout = text(Def{Key: "ci_forward_url_after_logout", Type: URL, Section: SecGeneral, Check: logoutTarget,
		Label: "Address after logout", Help: "Where a client goes after logging out. Empty: back to the login form."})
	AuthRequestsEnable = boolean(Def{Key: "ci_auth_requests_enable", Default: "0", Section: SecGeneral, Gates: "requests",
		Label: "Clients may send support requests", Help: "Shows the support request button and the Requests page."})
	AuthRequestsForward = text(Def{Key: "ci_auth_requests_forwarding_email", Type: EmailList, Section: SecGeneral,
		Label: "Forward support requests to", Help: "Addresses (separated by commas or semicolons) that receive a copy of every support request."})
	FooterText = text(Def{Key: "ci_footer_text", PerBrand: true, Type: String, Section: SecAppearance, Max: 300,
		Label: "Footer text", Help: "Plain text at the bottom of every subscriber page, such as \"© NetWave s.r.o.\". Empty: none. A brand may have its own."})
	DisplaySupplierContact = boolean(Def{Key: "ci_display_supplier_contact", PerBrand: true, Default: "0", Section: SecAppearance,
		Label: "Show the supplier footer", Help: "A footer with the name, address, numbers and bank account of the client's invoice group."})
	DefaultLanguage = text(Def{Key: "ci_default_language", PerBrand: true, Type: Enum, Default: "en", Options: []string{"en", "cs"}, Section: SecGeneral,
		Label: "Default language", Help: "Used when neither the client's preference, the language cookie nor the browser chooses one."})
	PortalSuspended = boolean(Def{Key: "ci_portal_suspended", Default: "0", Section: SecGeneral,
		Label: "Portal suspended", Help: "Clients see the suspension message and data/maintenance_logo.png instead of the portal. The staff console keeps working."})
	SuspendedMessage = text(Def{Key: "ci_portal_suspended_message", Type: HTML, Section: SecGeneral,
		Label: "Suspension message", Help: "Shown to clients while the portal is suspended (sanitised HTML)."})
	DisplayUsageTab = boolean(Def{Key: "ci_display_usage_tab", PerBrand: true, Default: "1", Section: SecGeneral, Gates: "usage",
		Label: "Show the Usage tab", Help: "The client's usage records (calls, data, SMS) pushed by the billing system: Summary, Detailed list and CSV export."})
	DisplayRatesTab = boolean(Def{Key: "ci_display_rates_tab", PerBrand: true, Default: "1", Section: SecGeneral, Gates: "rates",
		Label: "Show the Rates tab", Help: "The price lists that apply to the client (per tariff) with per-destination voice rates, pushed by the billing system."})
	DisplayDashboard = boolean(Def{Key: "ci_display_dashboard", PerBrand: true, Default: "0", Section: SecGeneral, Gates: "dashboard",
		Label: "Show the dashboard", Help: "On: the subscriber's home after login is the dashboard (balance, next invoice, services with FUP, recent usage, tickets, messages); the Information page stays in the menu. Off: the Information page is the home."})
	ContactText = text(Def{Key: "ci_contact_text", PerBrand: true, Type: HTML, Section: SecContacts, PerGroup: true,
		Label: "Contact page", Help: "Text of the Contact page (sanitised HTML). A default for all clients, and optionally one per invoice group."})
	GDPRExportSyncRows = integer(Def{Key: "ci_gdpr_export_sync_rows", Default: "1000", Min: 0, Max: 1000000, Section: SecGeneral,
		Gates: "gdpr", Label: "Own-data export: rows served at once",
		Help: "A client's data export with at most this many rows (services, invoices, payments, tickets, SMS, consents, logins...) " +
			"downloads at once; a bigger one is built in the background and mailed as a link. 0: always in the background."})
	GDPRExportLinkDays = integer(Def{Key: "ci_gdpr_export_link_days", Default: "7", Min: 1, Max: 30, Section: SecGeneral,
		Gates: "gdpr", Label: "Own-data export: link lifetime (days)",
		Help: "How long the mailed link to a background export works; the file is deleted afterwards. The link opens only for the same client, logged in."})
	NotificationsEnable = boolean(Def{Key: "ci_display_notifications", Default: "0", Section: SecGeneral, Gates: "notify",
		Label: "Subscribers choose notifications",
		Help: "Shows the Notifications page, where a subscriber chooses which news (new invoice, payment, overdue invoice, ticket reply, FUP 80 % and 100 %, outages) " +
			"reaches them by e-mail, SMS or web push, and their quiet hours, and sends them. Off: no page and no notifications (helpdesk replies are mailed as before)."})
	VAPIDPublicKey = text(Def{Key: "notify_vapid_public_key", Type: String, Section: SecGeneral, Max: 200,
		Label: "Web push public key",
		Help:  "The VAPID public key browsers subscribe with (generated on first use). Changing it makes every browser subscribe again."})
	VAPIDPrivateKey = text(Def{Key: "notify_vapid_private_key", Type: String, Section: SecGeneral, Secret: true, Max: 200,
		Label: "Web push private key",
		Help:  "The VAPID private key that signs web push messages (generated on first use with the public key)."})
	UsageColumns = text(Def{Key: "ci_usage_columns", Type: List, Section: SecGeneral, Gates: "usage",
		Default: strings.Join(UsageColumnNames, ", "), Options: UsageColumnNames,
		Label: "Usage report columns",
		Help: "The columns the Usage pages (Summary and Detailed list) offer, separated by commas; " +
			"each subscriber may hide some of them for themselves. Of: " + strings.Join(UsageColumnNames, ", ") + "."})
)

// UsageColumnNames are the columns of the usage reports (ci_usage_columns): the
// Detailed list has all but count and period, the Summary period, service, type,
// count, quantity and cost.
var UsageColumnNames = []string{"period", "time", "service", "type", "destination", "count", "quantity", "rate", "cost", "external_id"}

// Security: lockout, links, sessions.
var (
	LoginAttempts = integer(Def{Key: "ci_login_attempts", Default: "5", Min: 3, Max: 100, Section: SecSecurity,
		Label: "Wrong passwords before lockout", Help: "Consecutive wrong passwords after which a client (or staff account) is locked out."})
	LockoutMinutes = integer(Def{Key: "ci_lockout_minutes", Default: "15", Min: 1, Max: 1440, Section: SecSecurity,
		Label: "Lockout minutes", Help: "How long a locked-out account cannot log in, even with the right password."})
	PasswordLinkMinutes = integer(Def{Key: "ci_password_link_minutes", Default: "60", Min: 5, Max: 1440, Section: SecSecurity,
		Label: "Password link lifetime (minutes)", Help: "How long a link from a forgotten-password e-mail works."})
	StaffLinkHours = integer(Def{Key: "ci_password_link_staff_hours", Default: "72", Min: 1, Max: 720, Section: SecSecurity,
		Label: "Staff password link lifetime (hours)", Help: "How long a create-password link sent by staff works (clients who never had a password may take days to read it)."})
	OneTimePasswordHours = integer(Def{Key: "ci_one_time_password_hours", Default: "72", Min: 1, Max: 720, Section: SecSecurity,
		Label: "One-time password lifetime (hours)", Help: "How long a one-time password generated or typed by staff works for its single login."})
	SessionIdleMinutes = integer(Def{Key: "ci_session_idle_minutes", Default: "30", Min: 5, Max: 1440, Section: SecSecurity,
		Label: "Session idle timeout (minutes)", Help: "A session unused this long ends."})
	SessionAbsoluteHours = integer(Def{Key: "ci_session_absolute_hours", Default: "12", Min: 1, Max: 168, Section: SecSecurity,
		Label: "Session absolute timeout (hours)", Help: "A session ends this long after login, however active."})
	SecondFactor = text(Def{Key: "ci_second_factor", Type: Enum, Default: "optional", Options: []string{"off", "optional", "staff", "all"},
		Section: SecSecurity, Label: "Second factor",
		Help: "Second factor at login (authenticator app codes, recovery codes). off: not offered and not asked; optional: subscribers and staff may enrol and are then asked; staff: staff must enrol at their next login, subscribers may; all: everyone must enrol at their next login."})
	LoginNotify = boolean(Def{Key: "ci_login_notify_new_device", Default: "0", Section: SecSecurity,
		Label: "Mail clients about a login from a new device",
		Help: "On: a client who logs in from a browser and system (e.g. \"Firefox / Windows\") not seen on their account before gets an e-mail " +
			"with the device, address and time. The first login ever recorded for an account is not announced."})
	StaffLoginNotify = boolean(Def{Key: "ci_staff_login_notify_new_device", Default: "0", Section: SecSecurity,
		Label: "Mail staff about a console login from a new device",
		Help: "On: a staff member who logs in to the console from a browser and system not seen on their account before gets an e-mail " +
			"(to the staff account's address) with the device, address and time. The first console login ever recorded for an account is not announced."})
)

// Mail: the SMTP connection of the outbox worker.
var (
	SMTPHost = text(Def{Key: "smtp_host", Type: String, Section: SecMail, Max: 255,
		Label: "SMTP server", Help: "Host name of the SMTP server. Empty: mails stay in the outbox (see 'portal mail list')."})
	SMTPPort = integer(Def{Key: "smtp_port", Default: "587", Min: 1, Max: 65535, Section: SecMail,
		Label: "SMTP port", Help: "587 for STARTTLS, 465 for TLS, 25 for a local relay."})
	SMTPTLS = text(Def{Key: "smtp_tls", Type: Enum, Default: "starttls", Options: []string{"starttls", "tls", "none"}, Section: SecMail,
		Label: "SMTP encryption", Help: "starttls and tls require TLS 1.2 or newer; none is for a relay on the same machine."})
	SMTPUser = text(Def{Key: "smtp_user", Type: String, Section: SecMail, Max: 255,
		Label: "SMTP user", Help: "Login for SMTP authentication. Empty: no authentication."})
	SMTPPassword = text(Def{Key: "smtp_password", Type: String, Section: SecMail, Secret: true, Max: 255,
		Label: "SMTP password", Help: "Password for SMTP authentication."})
)

// SMS transports.
var (
	SMSGatewayURL = text(Def{Key: "sms_gateway_url", Type: URL, Section: SecSMS, Check: noLiteralCredential, Mask: maskCredentials,
		Label: "SMS gateway address",
		Help: "HTTP(S) address of the SMS gateway; {number}, {text}, {sender}, {user}, {password}, {coding} (0 GSM-7, 2 UCS-2) and {charset} (UTF-8) are replaced per message. " +
			"Credentials go into sms_gateway_user and sms_gateway_password, never here. " +
			"Kannel: http://HOST:13013/cgi-bin/sendsms?username={user}&password={password}&from={sender}&to={number}&text={text}&coding={coding}&charset={charset} with method GET."})
	SMSGatewayMethod = text(Def{Key: "sms_gateway_method", Type: Enum, Default: "POST", Options: []string{"GET", "POST"}, Section: SecSMS,
		Label: "SMS gateway method", Help: "HTTP method of gateway requests."})
	SMSGatewayContentType = text(Def{Key: "sms_gateway_content_type", Type: Enum, Default: "application/x-www-form-urlencoded",
		Options: []string{"application/x-www-form-urlencoded", "application/json", "text/plain"}, Section: SecSMS,
		Label: "SMS gateway body type", Help: "How the body template is escaped."})
	SMSGatewayBody = text(Def{Key: "sms_gateway_body", Type: String, Default: "to={number}&text={text}", Section: SecSMS, Max: 4000,
		Check: noLiteralCredential, Mask: maskCredentials,
		Label: "SMS gateway body", Help: "Body template of a POST request, with the placeholders of sms_gateway_url."})
	SMSGatewayUser = text(Def{Key: "sms_gateway_user", Type: String, Section: SecSMS, Max: 255,
		Label: "SMS gateway user", Help: "Login at the gateway: fills {user} in the address or body; without {user} and {password} there, it is sent as basic authentication. Empty: none."})
	SMSGatewayPassword = text(Def{Key: "sms_gateway_password", Type: String, Section: SecSMS, Secret: true, Max: 255,
		Label: "SMS gateway password", Help: "Fills {password} in the address or body; without {user} and {password} there, it is the basic authentication password, or a bearer token when the user is empty."})
	SMPPHost          = text(Def{Key: "smpp_host", Type: String, Section: SecSMS, Max: 255, Label: "SMPP host", Help: "SMSC host name."})
	SMPPPort          = integer(Def{Key: "smpp_port", Default: "2775", Min: 1, Max: 65535, Section: SecSMS, Label: "SMPP port", Help: "SMSC port."})
	SMPPSystemID      = text(Def{Key: "smpp_system_id", Type: String, Section: SecSMS, Max: 16, Label: "SMPP system id", Help: "Login of the bind."})
	SMPPPassword      = text(Def{Key: "smpp_password", Type: String, Section: SecSMS, Secret: true, Max: 9, Label: "SMPP password", Help: "Password of the bind."})
	SMSSender         = text(Def{Key: "sms_sender", Type: String, Section: SecSMS, Max: 20, Label: "SMS sender", Help: "Source address (number or name) of outgoing SMS."})
	SMSDefaultCountry = text(Def{Key: "sms_default_country", Type: String, Default: "420", Section: SecSMS, Max: 3, Check: digits,
		Label: "Default country code", Help: "Country calling code added to numbers typed without one."})
	SMSBlockPremium = boolean(Def{Key: "ci_sms_block_premium", Default: "1", Section: SecSMS,
		Label: "Refuse premium and short numbers", Help: "Clients cannot send SMS to premium-rate or short-code numbers."})
)

// Data retention.
var (
	TrafficRetentionDays = integer(Def{Key: "traffic_fine_retention_days", Default: "35", Min: 2, Max: 400, Section: SecGeneral,
		Label: "Keep 5-minute traffic (days)", Help: "Fine traffic samples older than this are pruned; hourly and daily totals stay."})
)

func digits(v string) error {
	for _, r := range v {
		if r < '0' || r > '9' {
			return fmt.Errorf("must contain digits only")
		}
	}
	return nil
}

func originList(v string) error {
	for _, o := range SplitList(v) {
		u, err := url.Parse(o)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
			return fmt.Errorf("%q is not an origin such as https://www.example.cz", o)
		}
	}
	return nil
}
