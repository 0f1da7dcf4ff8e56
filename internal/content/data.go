package content

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"regexp"
	"strings"
)

// Bounds on a site's _data: real ones are a few small files.
const (
	maxDataFileSize = 1 << 20
	maxDataSize     = 8 << 20
	maxDataFiles    = 1000
	maxDataDepth    = 20
)

// dataExts are the extensions Jekyll's DataReader reads, in its order: a
// later file of the same name wins.
var dataExts = []string{".yaml", ".yml", ".json", ".csv", ".tsv"}

// readData reads Jekyll's _data folder (dir, e.g. "_data") as site.data:
// .yml, .yaml, .json, .csv and .tsv files keyed by their name without the
// extension, subfolders as nested maps, as Jekyll does. A CSV or TSV file
// is a list of rows, each a map from the header row's names to texts.
// Bounded: at most 1 MiB a file, 8 MiB and 1000 files in all. Problems name
// the file (and the line where known); a file with a problem is left out.
// A site without the folder has no data and no problem.
func readData(fsys fs.FS, dir string) (map[string]any, []*ParseError) {
	r := &dataReader{fsys: fsys}
	data := map[string]any{}
	r.read(dir, data, 0)
	return data, r.probs
}

type dataReader struct {
	fsys  fs.FS
	files int
	size  int64
	full  bool // a bound was reached: nothing more is read
	probs []*ParseError
}

func (r *dataReader) problem(name string, line int, format string, args ...any) {
	r.probs = append(r.probs, &ParseError{Path: name, Line: line, Warning: true, Msg: fmt.Sprintf(format, args...)})
}

func (r *dataReader) read(dir string, into map[string]any, depth int) {
	entries, err := fs.ReadDir(r.fsys, dir)
	if err != nil {
		if depth > 0 || !errors.Is(err, fs.ErrNotExist) {
			r.problem(dir, 0, "cannot read the data folder: %v", err)
		}
		return
	}
	if depth > maxDataDepth {
		r.problem(dir, 0, "data folders nest more than %d deep; the deeper ones are not read", maxDataDepth)
		return
	}
	// Files first, by extension in Jekyll's order, then folders: a folder
	// wins over a file of the same name, as in Jekyll.
	for _, ext := range dataExts {
		for _, e := range entries {
			name := e.Name()
			if strings.HasPrefix(name, ".") || !e.Type().IsRegular() || path.Ext(name) != ext {
				continue
			}
			if r.full {
				return
			}
			file := path.Join(dir, name)
			if r.files++; r.files > maxDataFiles {
				r.full = true
				r.problem(file, 0, "the data folder holds more than %d files; the rest, this one on, are not read", maxDataFiles)
				return
			}
			if v, ok := r.readFile(file, ext); ok {
				into[dataKey(strings.TrimSuffix(name, ext))] = v
			}
		}
	}
	for _, e := range entries {
		if r.full {
			return
		}
		if name := e.Name(); e.IsDir() && !strings.HasPrefix(name, ".") {
			sub := map[string]any{}
			into[dataKey(name)] = sub
			r.read(path.Join(dir, name), sub, depth+1)
		}
	}
}

func (r *dataReader) readFile(file, ext string) (any, bool) {
	b, err := readBounded(r.fsys, file, maxDataFileSize)
	if err != nil {
		r.problem(file, 0, "%v; it is not read, and site.data lacks it", err)
		return nil, false
	}
	if r.size += int64(len(b)); r.size > maxDataSize {
		r.full = true
		r.problem(file, 0, "the data files are over %d MB in all; the rest, this one on, are not read", maxDataSize>>20)
		return nil, false
	}
	b = bytes.TrimPrefix(b, utf8BOM)
	var v any
	var line int
	switch ext {
	case ".csv", ".tsv":
		v, line, err = decodeCSV(b, ext == ".tsv")
	case ".json":
		v, line, err = decodeConfigJSON(b, map[string]int{})
	default:
		v, line, err = decodeConfigYAML(b, map[string]int{}, func(line int, msg string) { r.problem(file, line, "%s", msg) })
	}
	if err != nil {
		r.problem(file, line, "%v: fix the file; until then site.data lacks it", err)
		return nil, false
	}
	return normalize(v, false), true
}

// decodeCSV reads a CSV (or TSV) file with a header row into a list of
// rows, as Jekyll's CSV.read(headers: true) does.
func decodeCSV(b []byte, tabs bool) (any, int, error) {
	cr := csv.NewReader(bytes.NewReader(b))
	if tabs {
		cr.Comma = '\t'
	}
	cr.FieldsPerRecord = -1 // Ruby's CSV takes rows of any length
	header, err := cr.Read()
	if err == io.EOF {
		return []any{}, 0, nil
	}
	rows := []any{}
	for err == nil {
		var rec []string
		if rec, err = cr.Read(); err != nil {
			break
		}
		row := make(map[string]any, len(header))
		for i, h := range header {
			if i < len(rec) {
				row[h] = rec[i]
			} else {
				row[h] = nil
			}
		}
		rows = append(rows, row)
	}
	if err != io.EOF {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, pe.Line, fmt.Errorf("CSV: %v", pe.Err)
		}
		return nil, 0, fmt.Errorf("CSV: %v", err)
	}
	return rows, 0, nil
}

var (
	dataKeyDrop  = regexp.MustCompile(`[^A-Za-z0-9_\s-]+`)
	dataKeySpace = regexp.MustCompile(`\s+`)
)

// dataKey is Jekyll's sanitize_filename: characters other than ASCII
// letters, digits, _, - and spaces dropped, spaces made _.
func dataKey(name string) string {
	name = strings.TrimSpace(dataKeyDrop.ReplaceAllString(name, ""))
	return dataKeySpace.ReplaceAllString(name, "_")
}
