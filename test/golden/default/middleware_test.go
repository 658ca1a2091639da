package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// syncBuffer is a log sink that a server's goroutines and the test can share.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// lines returns the JSON log lines written so far.
func (b *syncBuffer) lines(t *testing.T) []map[string]any {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(b.buf.String()), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line %q is not JSON: %v", line, err)
		}
		out = append(out, m)
	}
	return out
}

// testService is the real handler (routes and middleware) at a log level, with a few routes
// that only tests register.
func testService(t *testing.T, level slog.Level) (http.Handler, *syncBuffer) {
	t.Helper()
	var ready atomic.Bool
	ready.Store(true)
	logs := &syncBuffer{}
	logger := newLogger(logs, level)
	mux := newHandler(&ready)
	mux.HandleFunc("GET /test/panic", func(http.ResponseWriter, *http.Request) { panic("test panic") })
	mux.HandleFunc("GET /test/panic-late", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprint(w, "partial")
		panic("late panic")
	})
	mux.HandleFunc("GET /test/abort", func(http.ResponseWriter, *http.Request) { panic(http.ErrAbortHandler) })
	mux.HandleFunc("GET /test/log", func(w http.ResponseWriter, r *http.Request) {
		logger.InfoContext(r.Context(), "from the handler")
	})
	mux.HandleFunc("GET /items/{id}", func(w http.ResponseWriter, r *http.Request) {})
	return withMiddleware(mux, logger), logs
}

func serveOne(h http.Handler, req *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestRequestIDKeptWhenSaneElseGenerated(t *testing.T) {
	h, logs := testService(t, slog.LevelInfo)
	tests := []struct {
		name, sent string
		kept       bool
	}{
		{"uuid", "0b6f5c1e-7a4d-4a5e-9f7e-2b9d3c1f8e21", true},
		{"trace-like", "svc.a:b_c-1", true},
		{"128 characters", strings.Repeat("a", 128), true},
		{"absent", "", false},
		{"129 characters", strings.Repeat("a", 129), false},
		{"space", "a b", false},
		{"quote", `a"b`, false},
		{"non-ASCII", "idé", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest("GET", "/test/log", nil)
			if tt.sent != "" {
				req.Header.Set(requestIDHeader, tt.sent)
			}
			got := serveOne(h, req).Header().Get(requestIDHeader)
			if tt.kept && got != tt.sent {
				t.Errorf("X-Request-ID = %q, want the client's %q", got, tt.sent)
			}
			if !tt.kept && (got == tt.sent || len(got) != 32 || !saneRequestID(got)) {
				t.Errorf("X-Request-ID = %q, want a new 32-character hex ID", got)
			}
			// Both lines of the request (the handler's and the access log) carry the same ID.
			lines := logs.lines(t)
			for _, l := range lines[len(lines)-2:] {
				if l["request_id"] != got {
					t.Errorf("log line %v: request_id = %v, want %q", l, l["request_id"], got)
				}
			}
		})
	}
}

func TestGeneratedRequestIDsDiffer(t *testing.T) {
	h, _ := testService(t, slog.LevelInfo)
	seen := map[string]bool{}
	for range 100 {
		id := serveOne(h, httptest.NewRequest("GET", "/", nil)).Header().Get(requestIDHeader)
		if seen[id] {
			t.Fatalf("request ID %q generated twice", id)
		}
		seen[id] = true
	}
}

func TestAccessLogLine(t *testing.T) {
	h, logs := testService(t, slog.LevelInfo)
	req := httptest.NewRequest("GET", "/items/42", nil)
	req.RemoteAddr = "192.0.2.7:5555"
	serveOne(h, req)
	serveOne(h, httptest.NewRequest("GET", "/", nil))

	lines := logs.lines(t)
	if len(lines) != 2 {
		t.Fatalf("%d log lines, want one per request: %v", len(lines), lines)
	}
	l := lines[0]
	want := map[string]any{
		"level": "INFO", "msg": "request", "method": "GET", "route": "GET /items/{id}", "path": "/items/42",
		"status": float64(200), "bytes": float64(0), "remote": "192.0.2.7:5555",
	}
	for k, v := range want {
		if l[k] != v {
			t.Errorf("access log %s = %v, want %v (line %v)", k, l[k], v, l)
		}
	}
	if d, ok := l["duration"].(float64); !ok || d < 0 {
		t.Errorf("access log duration = %v, want nanoseconds", l["duration"])
	}
	if lines[1]["bytes"].(float64) == 0 || lines[1]["route"] != "GET /{$}" {
		t.Errorf("GET / logged %v, want its route and the bytes of its body", lines[1])
	}
}

func TestProbesLogAtDebugOnly(t *testing.T) {
	for _, level := range []slog.Level{slog.LevelInfo, slog.LevelDebug} {
		h, logs := testService(t, level)
		serveOne(h, httptest.NewRequest("GET", "/healthz", nil))
		serveOne(h, httptest.NewRequest("GET", "/readyz", nil))
		lines := logs.lines(t)
		if level == slog.LevelInfo && len(lines) != 0 {
			t.Errorf("at info, probes logged %v", lines)
		}
		if level == slog.LevelDebug && (len(lines) != 2 || lines[0]["level"] != "DEBUG") {
			t.Errorf("at debug, probes logged %v, want 2 DEBUG lines", lines)
		}
	}
}

func TestUnmatchedPathsShareOneRoute(t *testing.T) {
	h, logs := testService(t, slog.LevelInfo)
	serveOne(h, httptest.NewRequest("GET", "/no/such/path", nil))
	serveOne(h, httptest.NewRequest("DELETE", "/healthz", nil))
	for _, l := range logs.lines(t) {
		if l["route"] != "" {
			t.Errorf("an unmatched request logged route %v, want \"\"", l["route"])
		}
	}
}

func TestPanicAnswers500AndTheServerKeepsServing(t *testing.T) {
	h, logs := testService(t, slog.LevelInfo)
	srv := httptest.NewServer(h)
	defer srv.Close()

	resp, err := client.Get(srv.URL + "/test/panic")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 500 {
		t.Errorf("status = %d, want 500", resp.StatusCode)
	}
	var got errorBody
	if err := json.Unmarshal(body, &got); err != nil || got.Error != "internal server error" ||
		got.RequestID != resp.Header.Get(requestIDHeader) || got.RequestID == "" {
		t.Errorf("body = %s (%v), want the error and the request ID %q", body, err, resp.Header.Get(requestIDHeader))
	}
	if strings.Contains(string(body), "test panic") {
		t.Errorf("the body shows the panic value to the client: %s", body)
	}

	if code, err := getStatus(srv.URL + "/healthz"); err != nil || code != 200 {
		t.Errorf("after the panic, GET /healthz = %d, %v", code, err)
	}
	var panics []map[string]any
	for _, l := range logs.lines(t) {
		if l["msg"] == "panic" {
			panics = append(panics, l)
		}
	}
	if len(panics) != 1 {
		t.Fatalf("%d panic lines, want 1", len(panics))
	}
	p := panics[0]
	if p["level"] != "ERROR" || p["panic"] != "test panic" || !strings.Contains(p["stack"].(string), "middleware_test.go") ||
		p["request_id"] != got.RequestID {
		t.Errorf("panic line = %v, want ERROR with the value, the stack and the request ID", p)
	}
}

func TestPanicAfterTheHeaderCutsTheConnection(t *testing.T) {
	h, _ := testService(t, slog.LevelInfo)
	srv := httptest.NewServer(h)
	defer srv.Close()
	for _, path := range []string{"/test/panic-late", "/test/abort"} {
		resp, err := client.Get(srv.URL + path)
		if err == nil {
			_, err = io.ReadAll(resp.Body)
			resp.Body.Close()
		}
		if err == nil {
			t.Errorf("GET %s ended cleanly; want the connection cut", path)
		}
	}
	if code, err := getStatus(srv.URL + "/healthz"); err != nil || code != 200 {
		t.Errorf("afterwards, GET /healthz = %d, %v", code, err)
	}
}

func TestEcho(t *testing.T) {
	h, _ := testService(t, slog.LevelInfo)
	tests := []struct {
		name, body string
		status     int
	}{
		{"ok", `{"message":"hi"}`, 200},
		{"missing message", `{}`, 422},
		{"unknown field", `{"message":"hi","extra":1}`, 400},
		{"two values", `{"message":"a"}{"message":"b"}`, 400},
		{"not JSON", `hi`, 400},
		{"over the limit, no length", `{"message":"` + strings.Repeat("a", maxBodyBytes) + `"}`, 413},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest("POST", "/echo", strings.NewReader(tt.body))
			req.ContentLength = -1 // as a chunked upload: only the read can find it too large
			req.Header.Set(requestIDHeader, "echo-test")
			rec := serveOne(h, req)
			if rec.Code != tt.status {
				t.Fatalf("status = %d, want %d; body %s", rec.Code, tt.status, rec.Body)
			}
			var got map[string]string
			if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil || got["request_id"] != "echo-test" {
				t.Errorf("body = %s, want JSON with request_id echo-test", rec.Body)
			}
			if tt.status == 200 && got["message"] != "hi" {
				t.Errorf("message = %q, want hi", got["message"])
			}
		})
	}
}

func TestAnnouncedLargeBodyIs413BeforeReading(t *testing.T) {
	h, _ := testService(t, slog.LevelInfo)
	body := &countingReader{}
	req := httptest.NewRequest("POST", "/echo", body)
	req.ContentLength = 100 << 20
	if rec := serveOne(h, req); rec.Code != 413 {
		t.Errorf("status = %d, want 413", rec.Code)
	}
	if body.n != 0 {
		t.Errorf("%d bytes of the body were read, want 0", body.n)
	}
}

// countingReader is an endless body that counts what was read of it.
type countingReader struct{ n int }

func (c *countingReader) Read(p []byte) (int, error) { c.n += len(p); return len(p), nil }

// The real server (serve): headers over maxHeaderBytes are answered 431 and a header that never
// ends is cut by ReadHeaderTimeout.
func TestServerLimits(t *testing.T) {
	svc := startService(t, 0)
	addr := "127.0.0.1:" + svc.port

	big, _ := http.NewRequest("GET", svc.url("/"), nil)
	big.Header.Set("X-Big", strings.Repeat("a", maxHeaderBytes+8192))
	resp, err := client.Do(big)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("headers of %d bytes: status %d, want 431", maxHeaderBytes+8192, resp.StatusCode)
	}

	if testing.Short() {
		t.Skip("the slow-header case waits for ReadHeaderTimeout (5 s)")
	}
	conn, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprint(conn, "GET / HTTP/1.1\r\nHost: test\r\n") // and never the blank line
	start := time.Now()
	_ = conn.SetReadDeadline(time.Now().Add(15 * time.Second))
	_, err = bufio.NewReader(conn).ReadString('\n')
	if err == nil || time.Since(start) > 10*time.Second {
		t.Errorf("an unfinished header held the connection %v (read: %v); want it closed after ReadHeaderTimeout", time.Since(start), err)
	}
}

func TestLogLevelEnv(t *testing.T) {
	for in, want := range map[string]slog.Level{"": slog.LevelInfo, "debug": slog.LevelDebug, "WARN": slog.LevelWarn, "error": slog.LevelError} {
		if got, err := logLevelEnv(in); err != nil || got != want {
			t.Errorf("logLevelEnv(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
}
