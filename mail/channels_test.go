package mail_test

import (
	"context"
	"testing"

	"portal/mail"
)

// Text messages need a number in E.164 form and a text; no subject.
func TestTextMessageValidation(t *testing.T) {
	for _, tc := range []struct {
		m  mail.Message
		ok bool
	}{
		{mail.Message{Channel: mail.ChannelSMS, To: "+46701234567", Text: "Kod: ACDE3479"}, true},
		{mail.Message{Channel: mail.ChannelSMS, To: "0701234567", Text: "Kod"}, false},
		{mail.Message{Channel: mail.ChannelSMS, To: "+46701234567", Text: " "}, false},
		{mail.Message{Channel: mail.ChannelSMS, To: "anna@example.se", Text: "Kod"}, false},
		{mail.Message{Channel: "fax", To: "+46701234567", Text: "Kod"}, false},
		{mail.Message{To: "anna@example.se", Subject: "Kod", Text: "Kod"}, true},
	} {
		if err := tc.m.Validate(); (err == nil) != tc.ok {
			t.Errorf("%+v: %v", tc.m, err)
		}
	}
}

type recorder struct{ got []mail.Message }

func (r *recorder) Send(_ context.Context, m mail.Message) error {
	r.got = append(r.got, m)
	return nil
}

// A worker's senders are chosen by the message's channel.
func TestChannels(t *testing.T) {
	email, sms := &recorder{}, &recorder{}
	ch := mail.Channels{mail.ChannelEmail: email, mail.ChannelSMS: sms}
	_ = ch.Send(ctx, mail.Message{To: "anna@example.se"})
	_ = ch.Send(ctx, mail.Message{Channel: mail.ChannelSMS, To: "+46701234567"})
	if len(email.got) != 1 || len(sms.got) != 1 || sms.got[0].To != "+46701234567" {
		t.Fatalf("e-mail %v, sms %v", email.got, sms.got)
	}
	if err := (mail.Channels{mail.ChannelEmail: email}).Send(ctx, mail.Message{Channel: mail.ChannelSMS}); err == nil {
		t.Error("a channel without a sender sent")
	}
}
