// Command hello is an HTTP service built on the Go standard library alone.
//
// It is configured by environment variables, so one image runs anywhere:
//
//	PORT              port to listen on (default 8080)
//	SHUTDOWN_DELAY    how long /readyz answers 503 before the server stops (default 2s)
//	SHUTDOWN_TIMEOUT  how long in-flight requests then have to finish (default 5s)
//	LOG_LEVEL         debug, info, warn or error (default info; probes log at debug)
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"sync/atomic"
	"syscall"
	"time"
)

// version is stamped at build time: go build -ldflags "-X main.version=1.2.3".
var version = "dev"

const (
	serviceName = "hello"
	defaultPort = 8080

	// Together they stay under the 10 s that docker stop waits before it sends SIGKILL.
	defaultShutdownDelay   = 2 * time.Second
	defaultShutdownTimeout = 5 * time.Second
	// Reading a request and writing its response each end within this, which is no longer than
	// the drain: a request in flight at SIGTERM (a slow upload too) finishes before it ends.
	defaultRequestTimeout = 5 * time.Second
)

func main() {
	// SIGTERM is what docker stop and Kubernetes send; SIGINT is Ctrl-C.
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	// After the first signal, restore the default handling so a second one kills at once.
	context.AfterFunc(ctx, stop)
	os.Exit(run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

// run is main without the process globals, so tests drive the real code path.
// Cancelling ctx starts the graceful shutdown. It returns the exit code:
// 0 success, 1 failure, 2 invalid flags or environment.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet(serviceName, flag.ContinueOnError)
	flags.SetOutput(stderr)
	showVersion := flags.Bool("version", false, "print the version and exit")
	healthcheck := flags.Bool("healthcheck", false, "exit 0 if this service on $PORT answers GET /healthz with 200, else 1")
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2 // the flag package has already printed the error and the usage
	}
	if flags.NArg() > 0 {
		fmt.Fprintf(stderr, "unexpected argument %q: %s takes flags only\n", flags.Arg(0), serviceName)
		return 2
	}
	if *showVersion {
		fmt.Fprintln(stdout, version)
		return 0
	}

	cfg, err := loadConfig(getenv)
	if *healthcheck {
		// Docker reserves exit code 2 in health checks, so every failure here is 1.
		if err != nil {
			fmt.Fprintf(stderr, "healthcheck: %v\n", err)
			return 1
		}
		return probe(ctx, fmt.Sprintf("http://127.0.0.1:%d/healthz", cfg.port), stderr)
	}
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}

	logger := newLogger(stdout, cfg.logLevel)
	// Handlers log with slog.InfoContext(r.Context(), …): the line carries the request ID.
	slog.SetDefault(logger)
	// All interfaces, never localhost: inside a container, localhost is unreachable from outside.
	ln, err := new(net.ListenConfig).Listen(ctx, "tcp", ":"+strconv.Itoa(cfg.port))
	if err != nil {
		logger.Error("listen failed", "err", err)
		return 1
	}
	return serve(ctx, ln, cfg, logger)
}

type config struct {
	port            int
	shutdownDelay   time.Duration
	shutdownTimeout time.Duration
	requestTimeout  time.Duration
	logLevel        slog.Level
}

// loadConfig reads the environment; unset variables keep their defaults.
func loadConfig(getenv func(string) string) (config, error) {
	cfg := config{port: defaultPort, requestTimeout: defaultRequestTimeout}
	if v := getenv("PORT"); v != "" {
		p, err := strconv.Atoi(v)
		if err != nil || p < 1 || p > 65535 {
			return config{}, fmt.Errorf("invalid PORT %q: use a number from 1 to 65535", v)
		}
		cfg.port = p
	}
	var err error
	if cfg.shutdownDelay, err = durationEnv(getenv, "SHUTDOWN_DELAY", defaultShutdownDelay); err != nil {
		return config{}, err
	}
	if cfg.shutdownTimeout, err = durationEnv(getenv, "SHUTDOWN_TIMEOUT", defaultShutdownTimeout); err != nil {
		return config{}, err
	}
	if cfg.logLevel, err = logLevelEnv(getenv("LOG_LEVEL")); err != nil {
		return config{}, err
	}
	return cfg, nil
}

func durationEnv(getenv func(string) string, key string, fallback time.Duration) (time.Duration, error) {
	v := getenv(key)
	if v == "" {
		return fallback, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("invalid %s %q: use a Go duration such as 500ms or 3s", key, v)
	}
	return d, nil
}

// serve answers requests on ln until ctx is done, then shuts down in two steps:
// /readyz turns 503 while requests are still served, so load balancers stop sending
// new ones, and after cfg.shutdownDelay in-flight requests get cfg.shutdownTimeout to finish.
func serve(ctx context.Context, ln net.Listener, cfg config, logger *slog.Logger) int {
	var ready atomic.Bool
	ready.Store(true)
	// Every phase of a connection is bounded: slow or idle clients cannot hold it forever.
	srv := &http.Server{
		Handler:           newService(&ready, logger), // middleware.go: the routes below, logged and guarded
		MaxHeaderBytes:    maxHeaderBytes,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       cfg.requestTimeout,
		WriteTimeout:      cfg.requestTimeout,
		IdleTimeout:       60 * time.Second,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelError),
	}

	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	logger.Info("listening", "addr", ln.Addr().String(), "version", version)

	select {
	case err := <-serveErr:
		logger.Error("server failed", "err", err)
		return 1
	case <-ctx.Done():
	}

	ready.Store(false)
	logger.Info("shutting down", "delay", cfg.shutdownDelay.String(), "timeout", cfg.shutdownTimeout.String())
	time.Sleep(cfg.shutdownDelay)

	// ctx is already cancelled: the drain needs a deadline of its own.
	drainCtx, cancel := context.WithTimeout(context.Background(), cfg.shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(drainCtx); err != nil {
		logger.Error("shutdown timed out, closing open connections", "err", err)
		srv.Close()
		return 1
	}
	logger.Info("stopped")
	return 0
}

// info is the body of GET /.
type info struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// newHandler routes requests; ready decides what /readyz answers.
// Method patterns make the mux answer 405 to other methods and 404 to other paths.
func newHandler(ready *atomic.Bool) *http.ServeMux {
	mux := http.NewServeMux()
	// An example of a route that reads a body (echo.go): strict JSON, at most maxBodyBytes.
	mux.HandleFunc("POST /echo", handleEcho)
	// Liveness stays 200 during shutdown: a draining process must not be restarted.
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprint(w, "ok")
	})
	// Readiness fails first on shutdown, so traffic moves away before the server stops.
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) {
		if !ready.Load() {
			http.Error(w, "shutting down", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprint(w, "ok")
	})
	// {$} matches "/" alone; a bare "/" pattern would catch every path.
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(info{Name: serviceName, Version: version}) // fails only if the client left
	})
	return mux
}

// probe is the container's HEALTHCHECK: scratch and distroless images have no shell or curl.
func probe(ctx context.Context, url string, stderr io.Writer) int {
	// Docker would wait for its own --timeout; fail sooner with a message instead.
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		fmt.Fprintf(stderr, "healthcheck: %v\n", err)
		return 1
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Fprintf(stderr, "healthcheck: %v\n", err)
		return 1
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintf(stderr, "healthcheck: GET %s: %s\n", url, resp.Status)
		return 1
	}
	return 0
}
