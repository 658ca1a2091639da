package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"time"
)

// Limits every request gets, whatever route it reaches.
const (
	// Request line and headers; a larger request is answered 431. net/http's own default is 1 MiB.
	maxHeaderBytes = 64 << 10
	// Request bodies; a larger one is answered 413 (see limitBody and readJSON).
	maxBodyBytes = 1 << 20
)

// requestIDHeader is read from the client (or the proxy in front) and echoed in every response.
const requestIDHeader = "X-Request-ID"

// saneRequestID keeps a client's request ID only when it is a short token of safe characters
// (1 to 128 of A-Z a-z 0-9 . _ : -), so it goes into logs and headers as it is: no newlines,
// quotes or escapes, no 10 kB IDs.
func saneRequestID(id string) bool {
	if len(id) == 0 || len(id) > 128 {
		return false
	}
	for i := 0; i < len(id); i++ {
		switch c := id[i]; {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '.', c == '_', c == ':', c == '-':
		default:
			return false
		}
	}
	return true
}

// quietRoutes are logged at debug: probes and scrapes arrive every few seconds and would drown
// the requests that matter.
var quietRoutes = map[string]bool{
	"GET /healthz": true,
	"GET /readyz":  true,
}

// newService is the whole handler: the routes of newHandler (main.go), the service's own
// endpoints, and the middleware around them.
func newService(ready *atomic.Bool, logger *slog.Logger) http.Handler {
	mux := newHandler(ready)
	return withMiddleware(mux, logger)
}

// withMiddleware wraps the routes with what every request gets: a request ID (in the response
// header and every log line of the request), panic recovery, the body limit and one access log
// line.
func withMiddleware(mux *http.ServeMux, logger *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get(requestIDHeader)
		if !saneRequestID(id) {
			id = newRequestID()
		}
		w.Header().Set(requestIDHeader, id)
		r = r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id))
		// The route pattern, not the path: /users/{id}, not one value per user. Looked up before
		// serving, as the mux does (Request.Pattern needs Go 1.23).
		_, route := mux.Handler(r)

		rec := &responseRecorder{ResponseWriter: w}
		defer func() {
			aborted := false
			if v := recover(); v != nil {
				if err, ok := v.(error); ok && errors.Is(err, http.ErrAbortHandler) {
					aborted = true // the handler chose to cut the response: no panic to report
				} else {
					logger.ErrorContext(r.Context(), "panic", "route", route, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
					// Once the status line is sent, the only honest end is a cut connection.
					aborted = rec.status != 0
					if !aborted {
						writeError(rec, http.StatusInternalServerError, "internal server error")
					}
				}
			}
			elapsed := time.Since(start)
			level := slog.LevelInfo
			if quietRoutes[route] {
				level = slog.LevelDebug
			}
			logger.LogAttrs(r.Context(), level, "request",
				slog.String("method", r.Method),
				slog.String("route", route),
				slog.String("path", r.URL.Path),
				slog.Int("status", rec.statusOr200()),
				slog.Int64("bytes", rec.bytes),
				slog.Duration("duration", elapsed),
				slog.String("remote", r.RemoteAddr),
				slog.Bool("aborted", aborted),
			)
			if aborted {
				panic(http.ErrAbortHandler) // net/http closes the connection and logs nothing
			}
		}()

		if !limitBody(rec, r) {
			return
		}
		mux.ServeHTTP(rec, r)
	})
}

// limitBody caps the body a handler can read at maxBodyBytes. A request that announces a larger
// body is answered 413 at once, before anything is read; one that sends more than it announced
// (or has no length) fails at the read, which readJSON answers 413.
func limitBody(w http.ResponseWriter, r *http.Request) bool {
	if r.ContentLength > maxBodyBytes {
		// The body is not read: close the connection rather than drain it.
		w.Header().Set("Connection", "close")
		writeError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("request body over %d bytes", maxBodyBytes))
		return false
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
	return true
}

type requestIDKey struct{}

// requestIDFrom returns the request's ID, or "" outside a request.
func requestIDFrom(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// newRequestID returns 128 random bits in hex.
func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on Linux (getrandom)
	return hex.EncodeToString(b[:])
}

// responseRecorder remembers the status and counts the bytes of a response.
type responseRecorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (r *responseRecorder) WriteHeader(code int) {
	if r.status == 0 && code >= 200 { // 1xx responses are informational: the final one follows
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *responseRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(b)
	r.bytes += int64(n)
	return n, err
}

func (r *responseRecorder) statusOr200() int {
	if r.status == 0 {
		return http.StatusOK // nothing written: net/http sends 200
	}
	return r.status
}

// Unwrap lets http.ResponseController reach Flush, deadlines and Hijack of the real writer.
func (r *responseRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// Flush keeps streaming handlers working through the recorder (w.(http.Flusher)).
func (r *responseRecorder) Flush() {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	_ = http.NewResponseController(r.ResponseWriter).Flush()
}

// errorBody is every error response's JSON.
type errorBody struct {
	Error     string `json:"error"`
	RequestID string `json:"request_id,omitempty"`
}

// writeError answers with status and a short JSON body that names the request ID.
func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, errorBody{Error: msg, RequestID: w.Header().Get(requestIDHeader)})
}

// writeJSON answers with status and v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v) // fails only if the client left
}

// readJSON decodes one JSON value of the body into v, strictly: unknown fields, trailing data
// and a body over maxBodyBytes are errors. It answers the client itself (400 or 413) and
// reports false when it did.
func readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil && dec.More() {
		err = errors.New("more than one JSON value")
	}
	if err == nil {
		if _, extra := dec.Token(); extra != io.EOF {
			err = errors.New("data after the JSON value")
		}
	}
	var tooLarge *http.MaxBytesError
	switch {
	case err == nil:
		return true
	case errors.As(err, &tooLarge):
		writeError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("request body over %d bytes", tooLarge.Limit))
	default:
		writeError(w, http.StatusBadRequest, "invalid JSON body: "+strings.TrimPrefix(err.Error(), "json: "))
	}
	return false
}

// newLogger writes JSON lines at level and up; each line logged with a request's context carries
// its request ID.
func newLogger(w io.Writer, level slog.Level) *slog.Logger {
	return slog.New(contextHandler{slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level})})
}

// contextHandler adds the request's ID to each record logged with its context.
type contextHandler struct{ slog.Handler }

func (h contextHandler) Handle(ctx context.Context, rec slog.Record) error {
	if id := requestIDFrom(ctx); id != "" {
		rec.AddAttrs(slog.String("request_id", id))
	}
	return h.Handler.Handle(ctx, rec)
}

func (h contextHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return contextHandler{h.Handler.WithAttrs(attrs)}
}

func (h contextHandler) WithGroup(name string) slog.Handler {
	return contextHandler{h.Handler.WithGroup(name)}
}

// logLevelEnv reads LOG_LEVEL: debug, info, warn or error, any case; empty is info.
func logLevelEnv(v string) (slog.Level, error) {
	switch strings.ToLower(v) {
	case "", "info":
		return slog.LevelInfo, nil
	case "debug":
		return slog.LevelDebug, nil
	case "warn":
		return slog.LevelWarn, nil
	case "error":
		return slog.LevelError, nil
	}
	return 0, fmt.Errorf("invalid LOG_LEVEL %q: use debug, info, warn or error", v)
}
