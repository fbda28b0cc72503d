package settings

import (
	"fmt"
	"regexp"
	"strings"
)

// Self sign-up: a visitor creates an account from a template customer. Each brand may
// have its own sign-up (on, template, credit, currencies, approval); the staff's
// notification address is the installation's.
var (
	SignupEnable = boolean(Def{Key: "ci_signup_enable", PerBrand: true, Default: "0", Section: SecSignup, Gates: "signup",
		Label: "Self sign-up",
		Help:  "Shows the Sign up page: a visitor creates an account after confirming their e-mail address. Needs ci_signup_template_client, ci_url and the system mail sender."})
	SignupTemplateClient = text(Def{Key: "ci_signup_template_client", PerBrand: true, Type: String, Section: SecSignup, Max: 64,
		Label: "Template customer",
		Help:  "Client number of the template customer: a new account gets its invoice group, business flag, countries and language, copies of its services, and must accept the consents it has given. Empty: sign-up is closed."})
	SignupCredit = text(Def{Key: "ci_signup_credit", PerBrand: true, Type: String, Default: "0", Section: SecSignup, Check: signupAmount, Max: 12,
		Label: "Starting credit",
		Help:  "Credit a new account gets as a payment in the currency the visitor chose (5 or 5.00). 0: none."})
	SignupCurrencies = text(Def{Key: "ci_signup_currencies", PerBrand: true, Type: String, Default: "CZK", Section: SecSignup, Check: currencyList, Max: 100,
		Label: "Currencies offered",
		Help:  "Currencies a visitor may choose at sign-up (three capital letters each, separated by commas, such as CZK, EUR). The first is preselected."})
	SignupLoginBeforeApproval = boolean(Def{Key: "ci_signup_login_before_approval", PerBrand: true, Default: "0", Section: SecSignup,
		Label: "Log in before approval",
		Help:  "On: a confirmed sign-up may log in at once. Off: the account stays deactivated until staff or the billing system approve it."})
	SignupNotify = text(Def{Key: "ci_signup_notify_email", Type: EmailList, Section: SecSignup,
		Label: "Notify about sign-ups",
		Help:  "Addresses (separated by commas or semicolons) that receive an e-mail when a sign-up is confirmed. Empty: nobody; the console's Sign-ups page lists them anyway."})
)

var signupAmountRE = regexp.MustCompile(`^[0-9]{1,7}([.,][0-9]{1,2})?$`)

func signupAmount(v string) error {
	if !signupAmountRE.MatchString(strings.TrimSpace(v)) {
		return fmt.Errorf("must be an amount such as 5 or 5.00")
	}
	return nil
}

func currencyList(v string) error {
	list := SplitList(v)
	if len(list) == 0 {
		return fmt.Errorf("must name at least one currency")
	}
	for _, c := range list {
		if err := currencyCode(c); err != nil {
			return err
		}
	}
	return nil
}
