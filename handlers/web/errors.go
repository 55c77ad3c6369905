package web

import (
	"context"
	"errors"
	"io"
	"net"

	"github.com/gofiber/fiber/v2"
)

// ErrCSRF is returned when a form comes without a valid token.
var ErrCSRF = fiber.NewError(fiber.StatusForbidden, "csrf")

// TimedOut reports whether err is a call to the database or the bucket
// that ran out of time or lost its connection: worth trying again.
func TimedOut(err error) bool {
	var ne net.Error
	var oe *net.OpError
	return errors.Is(err, context.DeadlineExceeded) || errors.Is(err, net.ErrClosed) || errors.Is(err, io.ErrUnexpectedEOF) ||
		(errors.As(err, &ne) && ne.Timeout()) || errors.As(err, &oe)
}

// errorPage is how one domain error is shown.
type errorPage struct {
	err              error
	status           int
	heading, message string // translation keys
}

// MapError registers how a domain error is shown: with status, under the
// heading and message of the given translation keys ("" for the status's
// usual ones). Each domain's errors are registered once, in the route
// table; every handler then just returns them.
func (k *Kit) MapError(err error, status int, heading, message string) {
	k.errors = append(k.errors, errorPage{err: err, status: status, heading: heading, message: message})
}

// HandleError maps every error to a Page in the user's language. Internal
// error text never reaches the user; it is logged with the request id.
func (k *Kit) HandleError(c *fiber.Ctx, err error) error {
	code := fiber.StatusInternalServerError
	var fe *fiber.Error
	var mapped *errorPage
	for i := range k.errors {
		if errors.Is(err, k.errors[i].err) {
			mapped = &k.errors[i]
			break
		}
	}
	switch {
	case mapped != nil:
		code = mapped.status
	case TimedOut(err) || errors.Is(c.UserContext().Err(), context.DeadlineExceeded):
		// The database or the bucket did not answer in time: worth a retry.
		code = fiber.StatusServiceUnavailable
		c.Set(fiber.HeaderRetryAfter, "30")
	case errors.As(err, &fe):
		code = fe.Code
	}
	heading, message := "error.internal", "error.internal_text"
	switch code {
	case fiber.StatusNotFound, fiber.StatusMethodNotAllowed:
		heading, message = "error.not_found", "error.not_found_text"
	case fiber.StatusForbidden:
		heading, message = "error.forbidden", "error.csrf_text"
	case fiber.StatusTooManyRequests:
		heading, message = "error.too_many", "error.too_many_text"
	case fiber.StatusRequestEntityTooLarge:
		heading, message = "error.too_large", "error.too_large_text"
	case fiber.StatusRequestTimeout:
		heading, message = "error.slow_upload", "error.slow_upload_text"
	case fiber.StatusUnsupportedMediaType:
		heading, message = "error.bad_request", "error.compressed_text"
	case fiber.StatusBadRequest, fiber.StatusLengthRequired:
		heading, message = "error.bad_request", "error.bad_request_text"
	case fiber.StatusServiceUnavailable:
		heading, message = "error.unavailable", "error.unavailable_text"
	}
	if mapped != nil && mapped.heading != "" {
		heading, message = mapped.heading, mapped.message
	}
	if code >= 500 {
		k.Log.Error("request failed", "request_id", RequestIDOf(c), "path", loggedPath(c), "err", err)
	}
	c.Status(code)
	if L(c) == nil { // failed before the locale middleware
		c.Locals(localLocalizer, k.Locales.Get("sv"))
	}
	rid := ""
	if code >= 500 {
		rid = RequestIDOf(c)
	}
	home, homeText := "/jobb", "error.to_jobs"
	if r := realmOf(c); r != nil && r.Home != "" {
		home, homeText = r.Home, r.HomeText
		if message == "error.not_found_text" && r.NotFoundText != "" {
			message = r.NotFoundText
		}
	}
	rerr := k.Render(c, "errors/error", Page{Title: L(c).T(heading), Data: fiber.Map{
		"Heading": heading, "Message": message, "RequestID": rid, "Home": home, "HomeText": homeText,
	}})
	if rerr != nil {
		k.Log.Error("error Page failed", "request_id", RequestIDOf(c), "err", rerr)
		c.Set(fiber.HeaderContentType, fiber.MIMETextPlainCharsetUTF8)
		return c.SendString(L(c).T(heading))
	}
	return nil
}
