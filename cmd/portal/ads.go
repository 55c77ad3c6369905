package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"

	"portal/jobs"
	"portal/valid"
	"portal/views"
)

// adsCommand runs `portal ads import FILE` and `portal ads publish REF`.
func adsCommand(ctx context.Context, cfg Config, log *slog.Logger, args []string) error {
	if len(args) != 2 || (args[0] != "import" && args[0] != "publish") {
		return errors.New("usage: portal ads import FILE | portal ads publish REF")
	}
	locales, err := views.LoadLocales()
	if err != nil {
		return err
	}
	var ads []jobs.Ad
	if args[0] == "import" {
		f, err := os.Open(args[1])
		if err != nil {
			return err
		}
		ads, err = jobs.ParseAds(f)
		f.Close()
		if err != nil {
			return importProblems(locales, args[1], err)
		}
	}
	db, services, err := openServices(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer db.Close(context.Background())
	service, pub := services.Alerts, services.Publish
	if args[0] == "import" {
		if err := pub.Import(ctx, ads); err != nil {
			return importProblems(locales, args[1], err)
		}
		for _, ad := range ads {
			state := "draft"
			if !ad.PublishedAt.IsZero() {
				state = "published " + ad.PublishedAt.In(jobs.Stockholm).Format("2006-01-02 15:04")
			}
			fmt.Printf("%s\t%s\t%s\n", ad.Ref, state, ad.Title)
		}
	} else {
		ad, err := pub.Publish(ctx, strings.TrimSpace(args[1]))
		switch {
		case errors.Is(err, jobs.ErrNotFound):
			return fmt.Errorf("no ad with reference number %q", args[1])
		case errors.Is(err, jobs.ErrPublished):
			return fmt.Errorf("ad %s is already published (%s)", ad.Ref, ad.PublishedAt.In(jobs.Stockholm).Format("2006-01-02 15:04"))
		case err != nil:
			return err
		}
		fmt.Printf("%s\tpublished\t%s\n", ad.Ref, ad.Title)
	}
	// Tell subscribers now rather than at the next minute of a running
	// portal; the keys of the messages keep a second telling from sending.
	n, err := service.RunDispatches(ctx)
	if err != nil {
		return err
	}
	fmt.Printf("job alerts queued: %d\n", n)
	return nil
}

// importProblems writes what is wrong with an import file, one line per
// field, in English.
func importProblems(locales *views.Locales, file string, err error) error {
	var ierr *jobs.ImportError
	var verr valid.Problems
	var b strings.Builder
	switch {
	case errors.As(err, &ierr):
		for _, p := range ierr.Problems {
			what := p.Detail
			if p.Key != "" {
				what = locales.Translate("en", p.Key) + p.Detail
			}
			ref := p.Ref
			if ref == "" {
				ref = "no reference number"
			}
			fmt.Fprintf(&b, "\n  ad %d (%s), field %s: %s", p.Index, ref, p.Field, what)
		}
	case errors.As(err, &verr):
		for _, f := range verr {
			fmt.Fprintf(&b, "\n  field %s: %s", f.Field, locales.Translate("en", f.Key))
		}
	default:
		return fmt.Errorf("%s: %w", file, err)
	}
	return fmt.Errorf("%s: nothing was imported:%s", file, b.String())
}
