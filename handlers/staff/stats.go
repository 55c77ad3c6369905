package staff

import (
	"context"
	"fmt"
	"html/template"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"portal/access"
	"portal/charts"
	"portal/employees"
	"portal/handlers/web"
	"portal/jobs"
	"portal/recruiting"
	"portal/valid"
	"portal/views"
)

// PathRecruitStats is the statistics of the recruitments of a unit.
const PathRecruitStats = PathRecruitments + "/statistik"

// RecruitStats are the statistics pages: of one recruitment, and of the
// recruitments of a unit. They show counts only, nothing of anyone.
type RecruitStats struct {
	*web.Kit
	Recruitments Opener
	Statistics   interface {
		Of(ctx context.Context, v recruiting.Viewer, r recruiting.Recruitment) (recruiting.Stats, error)
		OfUnit(ctx context.Context, personID, unitID string) (recruiting.UnitStats, error)
	}
	Policy interface {
		Can(ctx context.Context, personID string, perm access.Permission, unit string) (bool, error)
	}
	Units interface {
		AllUnits(ctx context.Context) ([]employees.Unit, error)
	}
}

// CountRow is one row of a table of counts: what is counted and how many.
type CountRow struct {
	Label string
	Count int
}

// StageRow is one row of the table of stages.
type StageRow struct {
	Name      string
	Count     int
	Withdrawn int
}

// ShowStats is the statistics of one recruitment, for everyone who sees it.
func (h *RecruitStats) ShowStats(c *fiber.Ctx) error {
	r, v, err := openRecruitment(c, h.Recruitments)
	if err != nil {
		return err
	}
	st, err := h.Statistics.Of(c.UserContext(), v, r)
	if err != nil {
		return err
	}
	l := web.L(c)
	days := make([]CountRow, len(st.Days))
	labels := make([]string, len(st.Days))
	values := make([]float64, len(st.Days))
	for i, d := range st.Days {
		days[i] = CountRow{Label: l.Date(d.Day.Start()), Count: d.Count}
		labels[i], values[i] = shortDay(l, d.Day), float64(d.Count)
	}
	var daysChart template.HTML
	if len(st.Days) > 0 {
		daysChart = charts.Bars(charts.BarChart{ID: "stats-days", Title: l.T("recruitstats.days.title"),
			Desc:   l.T("recruitstats.days.desc", l.Date(st.Days[0].Day.Start()), l.Date(st.Days[len(st.Days)-1].Day.Start())),
			Labels: labels, Values: values, Whole: true, Empty: l.T("recruitstats.none_yet")})
	}
	stages, stagesChart := stageTable(l, st.Stages)
	return h.FormPageIn(c, "staff/stats", "recruitstats.title", "staff-recruit", fiber.Map{
		"R": r, "V": v, "S": st, "Days": days, "DaysChart": daysChart, "Stages": stages, "StagesChart": stagesChart,
	})
}

// stageTable returns the rows of the stage table and its chart.
func stageTable(l *views.Localizer, counts []recruiting.StageCount) ([]StageRow, template.HTML) {
	rows := make([]StageRow, len(counts))
	labels := make([]string, len(counts))
	values := make([]float64, len(counts))
	some := false
	for i, sc := range counts {
		rows[i] = StageRow{Name: sc.Stage.Label(l.Lang), Count: sc.Count, Withdrawn: sc.Withdrawn}
		labels[i], values[i] = rows[i].Name, float64(sc.Count)
		some = some || sc.Count > 0
	}
	if !some {
		values = nil // an empty chart says so rather than drawing zeros
	}
	return rows, charts.Bars(charts.BarChart{ID: "stats-stages", Title: l.T("recruitstats.stages.title"), Desc: l.T("recruitstats.stages.desc"),
		Labels: labels, Values: values, Whole: true, Empty: l.T("recruitstats.none_yet")})
}

// UnitChoice is a unit the statistics can be drawn up for.
type UnitChoice struct {
	ID       string
	Name     string
	Inactive bool
	Selected bool
}

// ShowUnitStats is the statistics of the recruitments the person sees
// within a unit their grant covers, or of all they see.
func (h *RecruitStats) ShowUnitStats(c *fiber.Ctx) error {
	ctx, me, l := c.UserContext(), web.SessionOf(c).AccountID, web.L(c)
	unit := strings.TrimSpace(c.Query("enhet"))
	choices, err := h.unitChoices(ctx, me, unit)
	if err != nil {
		return err
	}
	data := fiber.Map{"Units": choices, "Unit": unit}
	name := ""
	if i := slices.IndexFunc(choices, func(u UnitChoice) bool { return u.ID == unit }); i >= 0 {
		name = choices[i].Name
	} else if unit != "" {
		data["Errors"] = valid.Problems{{Field: "enhet", Key: "recruitstats.error.unit"}}
		return h.FormPageIn(c, "staff/stats_unit", "recruitstats.unit.title", "staff-recruit", data)
	}
	st, err := h.Statistics.OfUnit(ctx, me, unit)
	if err != nil {
		return err
	}
	months := make([]CountRow, len(st.Months))
	labels := make([]string, len(st.Months))
	values := make([]float64, len(st.Months))
	for i, m := range st.Months {
		months[i] = CountRow{Label: l.T("recruitstats.month", l.T(fmt.Sprintf("month.%d", m.Month.Month())), m.Month.Year()), Count: m.Count}
		labels[i], values[i] = l.T(fmt.Sprintf("recruitstats.mon.%d", m.Month.Month())), float64(m.Count)
	}
	monthsChart := charts.Line(charts.LineChart{ID: "stats-months", Title: l.T("recruitstats.months.title"),
		Desc:   l.T("recruitstats.months.desc", months[0].Label, months[len(months)-1].Label),
		Labels: labels, Values: values, Whole: true})
	stages, stagesChart := stageTable(l, st.Stages)
	data["S"], data["UnitName"], data["Months"], data["MonthsChart"] = st, name, months, monthsChart
	data["Stages"], data["StagesChart"] = stages, stagesChart
	data["Average"], data["Median"] = decimal(l, st.Average()), decimal(l, st.MedianDays)
	return h.FormPageIn(c, "staff/stats_unit", "recruitstats.unit.title", "staff-recruit", data)
}

// unitChoices returns the units the person's grant to run recruitments
// covers, by name.
func (h *RecruitStats) unitChoices(ctx context.Context, me, selected string) ([]UnitChoice, error) {
	if ok, err := h.Policy.Can(ctx, me, recruiting.PermManage, ""); err != nil || !ok {
		return nil, err
	}
	all, err := h.Units.AllUnits(ctx)
	if err != nil {
		return nil, err
	}
	var out []UnitChoice
	for _, u := range all {
		ok, err := h.Policy.Can(ctx, me, recruiting.PermManage, u.ID)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, UnitChoice{ID: u.ID, Name: u.Name, Inactive: !u.Active, Selected: u.ID == selected})
		}
	}
	slices.SortStableFunc(out, func(a, b UnitChoice) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// shortDay is a day as a chart's label: "3 feb".
func shortDay(l *views.Localizer, d jobs.Day) string {
	t := d.Start()
	return strconv.Itoa(t.Day()) + " " + l.T(fmt.Sprintf("recruitstats.mon.%d", t.Month()))
}

// decimal writes a number with one decimal, as the language writes it.
func decimal(l *views.Localizer, v float64) string {
	s := strconv.FormatFloat(v, 'f', 1, 64)
	s = strings.TrimSuffix(s, ".0")
	if l.Lang == "sv" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}
