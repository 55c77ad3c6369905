// Command overviewbench prepares the overview benchmark of make bench: in
// the database of a seeded portal (the demo organisation and its year of
// demo pay) it gives one employee five years of payslips, balances and
// totals, imported through the payroll import as an export would bring
// them, and opens a staff session for that employee. It prints the
// session's token and the period of the latest payslip, separated by a
// space, for wrk to send as the staff cookie and to fetch the PDF of.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"os"
	"time"

	"portal/demo"
	"portal/internal/app"
	"portal/payroll"
	"portal/sessions"
	"portal/storage"
)

func main() {
	uri := flag.String("mongo", os.Getenv("PORTAL_MONGO_URI"), "database address")
	name := flag.String("db", os.Getenv("PORTAL_MONGO_DB"), "database name")
	user := flag.String("user", "fatali01", "the employee who gets five years of pay and logs in")
	years := flag.Int("years", 5, "years of pay")
	flag.Parse()
	ctx := context.Background()
	db, err := storage.Connect(ctx, *uri, *name)
	check(err)
	defer db.Close(ctx)
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	s, err := app.NewServices(app.Config{SiteName: "Bench", BaseURL: "http://127.0.0.1", SigningKey: make([]byte, 32)},
		app.Infra{DB: db, Now: time.Now, Log: logger})
	check(err)

	p, err := s.Directory.Person(ctx, *user)
	check(err)
	emp, err := s.Directory.CurrentEmployment(ctx, p)
	check(err)
	// Oldest first, this year last: each year's export brings that year's
	// payslips, vacation year and totals, and the latest flex and comp.
	now := time.Now()
	for k := *years - 1; k >= 0; k-- {
		f, err := demo.Payroll(now.AddDate(-k, 0, 0))
		check(err)
		var one payroll.File
		for _, e := range f.Employments {
			if e.Employment == emp.ID {
				one.Employments = append(one.Employments, e)
			}
		}
		if len(one.Employments) == 0 {
			log.Fatalf("overviewbench: no demo pay for employment %s; run portal seed first", emp.ID)
		}
		_, err = s.PayrollImport.Import(ctx, one)
		check(err)
	}
	sum, err := s.Payroll.Summary(ctx, emp.ID)
	check(err)
	if sum.Latest == nil {
		log.Fatal("overviewbench: no payslip imported")
	}
	yrs, err := s.Payroll.Years(ctx, emp.ID)
	check(err)
	if len(yrs) < *years {
		log.Fatalf("overviewbench: payslips of %d years, want %d", len(yrs), *years)
	}
	token, _, err := s.StaffSessions.Open(ctx, *user, sessions.Options{})
	check(err)
	fmt.Println(token, sum.Latest.Period)
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
