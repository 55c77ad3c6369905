package handlers

import (
	"context"
	"errors"
	"io"
	"net"

	"github.com/gofiber/fiber/v2"

	"portal/jobs"
)

// errCSRF is returned when a form comes without a valid token.
var errCSRF = fiber.NewError(fiber.StatusForbidden, "csrf")

// errNotAdmin is returned when someone other than an administrator asks
// for an administration page.
var errNotAdmin = fiber.NewError(fiber.StatusForbidden, "not an administrator")

// timedOut reports whether err is a call to the database or the bucket
// that ran out of time or lost its connection: worth trying again.
func timedOut(err error) bool {
	var ne net.Error
	var oe *net.OpError
	return errors.Is(err, context.DeadlineExceeded) || errors.Is(err, net.ErrClosed) || errors.Is(err, io.ErrUnexpectedEOF) ||
		(errors.As(err, &ne) && ne.Timeout()) || errors.As(err, &oe)
}

// handleError maps every error to a page in the user's language. Internal
// error text never reaches the user; it is logged with the request id.
func (h *handler) handleError(c *fiber.Ctx, err error) error {
	code := fiber.StatusInternalServerError
	var fe *fiber.Error
	switch {
	case errors.Is(err, jobs.ErrNotFound):
		code = fiber.StatusNotFound
	case timedOut(err) || errors.Is(c.UserContext().Err(), context.DeadlineExceeded):
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
		if errors.Is(err, errNotAdmin) {
			message = "error.admin_text"
		}
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
	if code >= 500 {
		h.deps.Log.Error("request failed", "request_id", requestIDOf(c), "path", loggedPath(c), "err", err)
	}
	c.Status(code)
	if localizer(c) == nil { // failed before the locale middleware
		c.Locals(localLocalizer, h.locales.Get("sv"))
	}
	rid := ""
	if code >= 500 {
		rid = requestIDOf(c)
	}
	rerr := h.render(c, "errors/error", page{Title: localizer(c).T(heading), Data: fiber.Map{
		"Heading": heading, "Message": message, "RequestID": rid,
	}})
	if rerr != nil {
		h.deps.Log.Error("error page failed", "request_id", requestIDOf(c), "err", rerr)
		c.Set(fiber.HeaderContentType, fiber.MIMETextPlainCharsetUTF8)
		return c.SendString(localizer(c).T(heading))
	}
	return nil
}
