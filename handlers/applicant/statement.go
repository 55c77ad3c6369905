package applicant

import (
	"context"
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"

	"portal/applications"
	"portal/handlers/web"
	"portal/recruiting"
)

// Letters is what My applications asks of the recruitments: the messages
// sent, and the request for the statement of the hired person's merits.
type Letters interface {
	ForApplicant(ctx context.Context, applicantID string, appIDs []string) (map[string]recruiting.ApplicantView, error)
	RequestStatement(ctx context.Context, applicantID, candidateID string) (recruiting.StatementRequest, error)
}

// Letter is an application in My applications with what its recruitment
// sent.
type Letter struct {
	App applications.Application
	recruiting.ApplicantView
}

// letters returns the applications that have messages or may ask for a
// statement, in the order of the list.
func (h *Apply) letters(c *fiber.Ctx, apps []applications.Application) ([]Letter, error) {
	if h.Recruitments == nil || len(apps) == 0 {
		return nil, nil
	}
	ids := make([]string, len(apps))
	for i, a := range apps {
		ids[i] = a.ID
	}
	views, err := h.Recruitments.ForApplicant(c.UserContext(), web.SessionOf(c).AccountID, ids)
	if err != nil {
		return nil, err
	}
	var out []Letter
	for _, a := range apps {
		v, ok := views[a.ID]
		if ok && (len(v.Messages) > 0 || v.MayRequest || v.Waiting != nil) {
			out = append(out, Letter{App: a, ApplicantView: v})
		}
	}
	return out, nil
}

// RequestStatement asks for the written statement of the hired person's
// merits; the applicant's own application only.
func (h *Apply) RequestStatement(c *fiber.Ctx) error {
	if h.Recruitments == nil {
		return fiber.ErrNotFound
	}
	_, err := h.Recruitments.RequestStatement(c.UserContext(), web.SessionOf(c).AccountID, strings.Clone(c.Params("id")))
	switch {
	case errors.Is(err, recruiting.ErrExists):
		return c.Redirect("/mina-ansokningar?yttrande=redan", fiber.StatusSeeOther)
	case errors.Is(err, recruiting.ErrNotFound):
		return fiber.ErrNotFound
	case errors.Is(err, recruiting.ErrForbidden):
		return c.Redirect("/mina-ansokningar?yttrande=inte", fiber.StatusSeeOther)
	case err != nil:
		return err
	}
	return c.Redirect("/mina-ansokningar?yttrande=begard", fiber.StatusSeeOther)
}

// statementNotice is the confirmation after a request.
func statementNotice(c *fiber.Ctx) string {
	switch c.Query("yttrande") {
	case "begard":
		return "decide.applicant.requested"
	case "redan":
		return "decide.applicant.already"
	case "inte":
		return "decide.applicant.not_now"
	}
	return ""
}
