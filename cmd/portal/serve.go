package main

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/settings"
)

// serve runs the web server and the modules' background workers until SIGINT or
// SIGTERM, then lets requests in flight finish, stops the workers and closes the
// database cleanly.
func serve(ctx context.Context, e *app.Env, io app.IO, args []string) error {
	if len(args) > 0 {
		return usageError{"serve takes no arguments"}
	}
	tuneGC(os.Getenv)
	a := app.New(e.Deps, e.Modules)
	ln, err := net.Listen("tcp", e.Config.Listen)
	if err != nil {
		return err
	}
	wctx, stopWorkers := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); e.MailWorker.Run(wctx) }()
	for _, m := range e.Modules {
		if w := m.Info().Worker; w != nil {
			wg.Add(1)
			go func() { defer wg.Done(); w(wctx) }()
		}
	}
	errc := make(chan error, 1)
	go func() { errc <- a.Listen(ln) }()
	e.Deps.Log.Info("portal.serve: listening", "addr", ln.Addr().String(), "data", e.Config.DataDir)
	url := fmt.Sprintf("http://%s%s/", displayAddr(ln.Addr()), e.Config.BasePath)
	fmt.Fprintf(io.Out, "Portal listening on %s (staff console: %sadmin)\n", url, url)
	fmt.Fprintln(io.Out, mailDestination(e.Deps.Settings))
	fmt.Fprintln(io.Out, smsDestination(e.Deps.Settings))
	select {
	case err := <-errc:
		stopWorkers()
		wg.Wait()
		return err
	case <-ctx.Done():
	}
	e.Deps.Log.Info("portal.serve: shutting down")
	err = a.Fiber.ShutdownWithTimeout(30 * time.Second)
	stopWorkers()
	wg.Wait()
	e.Deps.Log.Info("portal.serve: stopped")
	return err
}

func displayAddr(a net.Addr) string {
	t, ok := a.(*net.TCPAddr)
	if !ok || t.IP.IsUnspecified() {
		if ok {
			return fmt.Sprintf("localhost:%d", t.Port)
		}
	}
	return a.String()
}

// mailDestination says where the portal's mails go, so a newcomer without an SMTP
// server knows to read them in the console's outbox (password links included).
func mailDestination(st *settings.Store) string {
	host := settings.SMTPHost.Get(st)
	if host == "" {
		return "Mail: no SMTP server configured (smtp_host); mails wait in the staff console's outbox (/admin/tools/outbox), links included"
	}
	return fmt.Sprintf("Mail: sent through %s", net.JoinHostPort(host, strconv.Itoa(settings.SMTPPort.Get(st))))
}

// smsDestination says where the portal's SMS go, so a newcomer who sees the SMS
// worker's warnings (the demo queues SMS for a Kannel on localhost) knows why and
// where the messages wait. The gateway's URL carries its credentials in the query:
// only its host is named.
func smsDestination(st *settings.Store) string {
	const waiting = "; unsent SMS wait in the staff console's queue (/admin/tools/sms)"
	switch settings.SMSNotify.Get(st) {
	case "gateway":
		host := "(no sms_gateway_url)"
		if u, err := url.Parse(settings.SMSGatewayURL.Get(st)); err == nil && u.Host != "" {
			host = u.Scheme + "://" + u.Host
		}
		return "SMS: sent through the HTTP gateway at " + host + waiting
	case "smpp":
		return "SMS: sent over SMPP to " + net.JoinHostPort(settings.SMPPHost.Get(st), strconv.Itoa(settings.SMPPPort.Get(st))) + waiting
	}
	return "SMS: off (sms_notify is disabled)"
}
