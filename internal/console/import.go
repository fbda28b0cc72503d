package console

import (
	"mime/multipart"

	"github.com/gofiber/fiber/v2"

	"github.com/ispportal/portal/internal/blob"
)

// MaxReportedLines caps the line errors an import page lists; the rest are counted,
// as the CLI does.
const MaxReportedLines = 100

// ImportLine is one refused line of an uploaded import file.
type ImportLine struct {
	Line int
	Msg  string
}

// ImportCount is one figure of an import's result: a translation key and its number.
type ImportCount struct {
	Key string
	N   int
}

// ImportReport is what an import page shows after an upload (the template
// partials/import_report renders it): the file's name as sent (sanitised; it is only
// shown), the figures, and the refused lines with the CLI's messages.
type ImportReport struct {
	File    string
	Counts  []ImportCount
	Lines   []ImportLine
	More    int  // refused lines beyond MaxReportedLines
	Nothing bool // nothing was stored (the whole file is refused with its lines)
}

// AddLine records a refused line, keeping at most MaxReportedLines.
func (r *ImportReport) AddLine(line int, msg string) {
	if len(r.Lines) == MaxReportedLines {
		r.More++
		return
	}
	r.Lines = append(r.Lines, ImportLine{Line: line, Msg: msg})
}

// UploadedFile opens the multipart file of field, refusing a missing or empty file
// and one over max bytes with a field error key ("form.required",
// "form.file_too_large", "form.file_empty"). The name the browser sent comes
// back sanitised (no folders, control or bidi characters): it is only ever shown.
func UploadedFile(c *fiber.Ctx, field string, max int64) (name string, f multipart.File, errKey string) {
	fh, err := c.FormFile(field)
	switch {
	case err != nil:
		return "", nil, "form.required"
	case fh.Size > max:
		return "", nil, "form.file_too_large"
	case fh.Size == 0:
		return "", nil, "form.file_empty"
	}
	f, err = fh.Open()
	if err != nil {
		return "", nil, "form.required"
	}
	return blob.SafeName(fh.Filename, "upload"), f, ""
}
