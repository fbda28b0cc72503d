package web

import "github.com/gofiber/fiber/v2"

const formActionLocal = "web.formAction"

// AllowFormAction admits src (a CSP source such as https://checkout.stripe.com) in
// this answer's form-action: for a page whose form is answered with a redirect to
// another site (a payment provider's hosted page), which Chromium checks against
// form-action. Every other page keeps 'self' only.
func AllowFormAction(c *fiber.Ctx, src string) {
	list, _ := c.Locals(formActionLocal).([]string)
	c.Locals(formActionLocal, append(list, src))
}

// FormActions are the sources AllowFormAction admitted for this request.
func FormActions(c *fiber.Ctx) []string {
	list, _ := c.Locals(formActionLocal).([]string)
	return list
}
