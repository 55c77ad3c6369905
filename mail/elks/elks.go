// Package elks sends text messages through 46elks, a Swedish SMS gateway,
// over its REST API: POST {base}/sms with basic authentication and the
// form fields from, to and message.
package elks

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"portal/mail"
)

// DefaultBaseURL is the API's address.
const DefaultBaseURL = "https://api.46elks.com/a1"

// Config is how to reach the gateway.
type Config struct {
	BaseURL  string // default DefaultBaseURL; tests point it at a server of their own
	User     string // the API user name
	Password string // the API password
	From     string // the sender shown: up to 11 letters and digits, or a number in E.164 form
	// Timeout bounds every call; default 10 seconds.
	Timeout time.Duration
}

// Sender delivers text messages through 46elks.
type Sender struct {
	cfg    Config
	client *http.Client
}

// New returns a sender with cfg.
func New(cfg Config) *Sender {
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	return &Sender{cfg: cfg, client: &http.Client{Timeout: cfg.Timeout}}
}

// answer is the part of the gateway's answer the sender reads.
type answer struct {
	ID     string `json:"id"`
	Status string `json:"status"`
}

// Send delivers one text message. Errors name the gateway's status, never
// the number or the text.
func (s *Sender) Send(ctx context.Context, m mail.Message) error {
	if m.Channel != mail.ChannelSMS {
		return errors.New("46elks: not a text message")
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	form := url.Values{"from": {s.cfg.From}, "to": {m.To}, "message": {m.Text}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.cfg.BaseURL+"/sms", strings.NewReader(form.Encode()))
	if err != nil {
		return fmt.Errorf("46elks: %w", err)
	}
	req.SetBasicAuth(s.cfg.User, s.cfg.Password)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	res, err := s.client.Do(req)
	if err != nil {
		// The error of the transport names the address, not the message.
		return fmt.Errorf("46elks: %w", err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, 64<<10))
	if err != nil {
		return fmt.Errorf("46elks: read the answer: %w", err)
	}
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("46elks: status %d", res.StatusCode)
	}
	var a answer
	if err := json.Unmarshal(body, &a); err != nil {
		return errors.New("46elks: an answer that is not JSON")
	}
	if a.Status == "failed" {
		return fmt.Errorf("46elks: message %s failed", a.ID)
	}
	return nil
}
