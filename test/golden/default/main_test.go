package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestHandler(t *testing.T) {
	var ready atomic.Bool
	ready.Store(true)
	h := newHandler(&ready)

	tests := []struct {
		method, path string
		wantStatus   int
		wantBody     string
	}{
		{"GET", "/healthz", 200, "ok"},
		{"GET", "/readyz", 200, "ok"},
		{"POST", "/healthz", 405, ""},
		{"GET", "/nope", 404, ""},
		{"GET", "/healthz/nope", 404, ""},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(tt.method, tt.path, nil))
			if rec.Code != tt.wantStatus {
				t.Errorf("status = %d, want %d", rec.Code, tt.wantStatus)
			}
			if tt.wantBody != "" && rec.Body.String() != tt.wantBody {
				t.Errorf("body = %q, want %q", rec.Body.String(), tt.wantBody)
			}
		})
	}
}

func TestRootReportsNameAndVersion(t *testing.T) {
	var ready atomic.Bool
	rec := httptest.NewRecorder()
	newHandler(&ready).ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))

	if rec.Code != 200 {
		t.Fatalf("status = %d, want 200", rec.Code)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q, want application/json", ct)
	}
	// A map, not the info struct: this checks the JSON field names clients see.
	var got map[string]string
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatalf("body %q: %v", rec.Body.String(), err)
	}
	want := map[string]string{"name": "hello", "version": version}
	if !maps.Equal(got, want) {
		t.Errorf("body = %v, want %v", got, want)
	}
}

func TestShutdownFailsReadinessFirstThenExits0(t *testing.T) {
	const delay = 500 * time.Millisecond
	svc := startService(t, delay)

	svc.stop()
	signalled := time.Now()
	waitStatus(t, svc.url("/readyz"), 503)
	if got, err := getStatus(svc.url("/healthz")); err != nil || got != 200 {
		t.Errorf("GET /healthz during the shutdown delay = %d, %v; want 200", got, err)
	}

	select {
	case <-svc.exited:
	case <-time.After(delay + 15*time.Second):
		t.Fatal("run did not return within the shutdown delay and timeout")
	}
	if svc.code != 0 {
		t.Errorf("run = %d, want 0; logs:\n%s", svc.code, svc.logs.String())
	}
	if elapsed := time.Since(signalled); elapsed < delay {
		t.Errorf("run returned %v after the signal, before the %v readiness delay", elapsed, delay)
	}
	for _, msg := range []string{`"msg":"listening"`, `"msg":"shutting down"`, `"msg":"stopped"`} {
		if !strings.Contains(svc.logs.String(), msg) {
			t.Errorf("logs lack %s:\n%s", msg, svc.logs.String())
		}
	}
}

func TestRequestTimeoutFitsTheDrain(t *testing.T) {
	if defaultRequestTimeout > defaultShutdownTimeout {
		t.Errorf("request timeout %v > shutdown timeout %v: a request in flight at SIGTERM can outlast the drain",
			defaultRequestTimeout, defaultShutdownTimeout)
	}
}

// A client that sends its body slowly holds its connection until the request timeout; the drain
// must outlast it, so that SIGTERM during a slow upload still ends in a clean exit 0.
func TestSlowUploadAtShutdownExits0(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg := config{requestTimeout: 300 * time.Millisecond, shutdownTimeout: 3 * time.Second}
	ctx, cancel := context.WithCancel(context.Background())
	var logs bytes.Buffer
	code := make(chan int, 1)
	go func() { code <- serve(ctx, ln, cfg, slog.New(slog.NewJSONHandler(&logs, nil))) }()
	defer cancel()

	conn, err := net.DialTimeout("tcp", ln.Addr().String(), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// 10 of the announced 100000 bytes, then nothing: the server reads (or discards) the rest
	// until its ReadTimeout.
	fmt.Fprint(conn, "POST / HTTP/1.1\r\nHost: test\r\nContent-Length: 100000\r\n\r\n0123456789")
	time.Sleep(50 * time.Millisecond)
	cancel()
	select {
	case got := <-code:
		if got != 0 {
			t.Errorf("serve = %d, want 0: the drain did not outlast the request timeout; logs:\n%s", got, logs.String())
		}
	case <-time.After(cfg.shutdownTimeout + 5*time.Second):
		t.Fatal("serve did not return")
	}
}

func TestBadEnvironmentExits2(t *testing.T) {
	tests := []struct{ key, value string }{
		{"PORT", "http"},
		{"PORT", "0"},
		{"PORT", "65536"},
		{"SHUTDOWN_DELAY", "2"},
		{"SHUTDOWN_DELAY", "-1s"},
		{"SHUTDOWN_TIMEOUT", "soon"},
		{"LOG_LEVEL", "verbose"},
	}
	for _, tt := range tests {
		t.Run(tt.key+"="+tt.value, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			getenv := func(k string) string {
				if k == tt.key {
					return tt.value
				}
				return ""
			}
			if code := run(context.Background(), nil, getenv, &stdout, &stderr); code != 2 {
				t.Errorf("run = %d, want 2", code)
			}
			msg := stderr.String()
			if strings.Count(msg, "\n") != 1 || !strings.Contains(msg, tt.key) || !strings.Contains(msg, strconv.Quote(tt.value)) {
				t.Errorf("stderr = %q, want one line naming %s and %q", msg, tt.key, tt.value)
			}
		})
	}
}

func TestBadArgumentsExit2(t *testing.T) {
	for _, args := range [][]string{
		{"-nope"},
		{"serve"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := run(context.Background(), args, noEnv, &stdout, &stderr); code != 2 {
				t.Errorf("run = %d, want 2", code)
			}
			if stderr.Len() == 0 {
				t.Error("stderr is empty, want the reason")
			}
		})
	}
}

func TestVersionFlag(t *testing.T) {
	// Not parallel: it sets the package variable the linker would.
	defer func(v string) { version = v }(version)
	version = "1.2.3"

	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"-version"}, noEnv, &stdout, &stderr); code != 0 {
		t.Fatalf("run = %d, want 0; stderr: %s", code, stderr.String())
	}
	if got := stdout.String(); got != "1.2.3\n" {
		t.Errorf("stdout = %q, want %q", got, "1.2.3\n")
	}
}

func TestHealthcheckFlag(t *testing.T) {
	svc := startService(t, 0)
	check := func(port string) (int, string) {
		var stdout, stderr bytes.Buffer
		getenv := func(k string) string {
			if k == "PORT" {
				return port
			}
			return ""
		}
		code := run(context.Background(), []string{"-healthcheck"}, getenv, &stdout, &stderr)
		return code, stderr.String()
	}

	if code, msg := check(svc.port); code != 0 {
		t.Errorf("against a live server = %d (%s), want 0", code, msg)
	}
	svc.stop()
	<-svc.exited // the listener is closed: connections to the port are refused
	if code, msg := check(svc.port); code != 1 || strings.Count(msg, "\n") != 1 {
		t.Errorf("against a closed port = %d, %q; want 1 and one line", code, msg)
	}
	// Docker reserves exit code 2 in health checks.
	if code, msg := check("http"); code != 1 {
		t.Errorf("with an invalid PORT = %d (%s), want 1", code, msg)
	}
}

func TestProbeFailsOnNon200(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusInternalServerError)
	}))
	defer srv.Close()

	var stderr bytes.Buffer
	if code := probe(context.Background(), srv.URL+"/healthz", &stderr); code != 1 {
		t.Errorf("probe = %d, want 1", code)
	}
	if !strings.Contains(stderr.String(), "500") {
		t.Errorf("stderr = %q, want the status", stderr.String())
	}
}

func noEnv(string) string { return "" }

// service is run in a goroutine, as main runs it.
type service struct {
	port   string
	stop   context.CancelFunc // what SIGTERM does through signal.NotifyContext
	exited chan struct{}      // closed when run returns; code and logs are safe to read after
	code   int
	logs   bytes.Buffer // stdout and stderr
}

// startService runs the service on a free port and waits until it is ready.
func startService(t *testing.T, shutdownDelay time.Duration) *service {
	t.Helper()
	// run opens its own listener on ":"+PORT; another process taking the port in between is unlikely.
	ln, err := net.Listen("tcp", ":0")
	if err != nil {
		t.Fatal(err)
	}
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	ln.Close()

	// A generous SHUTDOWN_TIMEOUT: a clean drain returns at once, but http.Server.Shutdown waits
	// up to 5s for a connection the client dialled and never used (net/http's transport can dial
	// one spare under load), and the test must not fail on a busy machine.
	env := map[string]string{
		"PORT":             port,
		"SHUTDOWN_DELAY":   shutdownDelay.String(),
		"SHUTDOWN_TIMEOUT": "10s",
	}
	ctx, cancel := context.WithCancel(context.Background())
	svc := &service{port: port, stop: cancel, exited: make(chan struct{})}
	go func() {
		defer close(svc.exited)
		svc.code = run(ctx, nil, func(k string) string { return env[k] }, &svc.logs, &svc.logs)
	}()
	t.Cleanup(func() {
		cancel()
		<-svc.exited
	})
	waitStatus(t, svc.url("/readyz"), 200)
	return svc
}

func (s *service) url(path string) string { return "http://127.0.0.1:" + s.port + path }

// client bounds every test request, so a hung server fails the test instead of stalling it.
var client = &http.Client{Timeout: time.Second}

func getStatus(url string) (int, error) {
	resp, err := client.Get(url)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

// waitStatus polls url until it answers want, for at most 2 seconds.
func waitStatus(t *testing.T, url string, want int) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for {
		got, err := getStatus(url)
		if err == nil && got == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("GET %s = %d, %v; want %d", url, got, err, want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
