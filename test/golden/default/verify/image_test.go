//go:build verify

// Package verify proves the built image of hello the way a cluster will run it: its
// configuration, a read-only run with no capabilities, its health check, a graceful stop, its
// files and its size. `make verify` builds the image and runs it:
//
//	go test -tags verify -count=1 -v ./verify -args -image hello:dev -docker podman
//
// The build tag keeps it out of `go test ./...` and `go vet ./...`: it needs a container engine.
// Standard library only, so it needs nothing beyond Go and the container CLI (docker or podman).
package verify

import (
	"archive/tar"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"path"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// What the generator wrote into the Dockerfile; a change there is a change here.
const (
	containerPort   = "8080"
	wantHealthcheck = true
	// docker stop's default: SIGTERM, then SIGKILL after this long.
	gracePeriod = 10 * time.Second
)

var (
	image  = flag.String("image", "", "image reference to verify (required)")
	docker = flag.String("docker", "docker", "container CLI: docker or podman")
	maxMB  = flag.Float64("max-mb", 20, "size budget of the image in MB (10^6 bytes)")
)

// imageConfig is the part of `image inspect` checked here. docker reports the health check in
// Config, podman at the top level: both are read.
type imageConfig struct {
	Config struct {
		User         string
		Entrypoint   []string
		ExposedPorts map[string]struct{}
		Healthcheck  *healthConfig
	}
	Healthcheck *healthConfig
}

type healthConfig struct{ Test []string }

func TestImage(t *testing.T) {
	if *image == "" {
		t.Fatal("no image: run it through make verify, or pass -args -image NAME:TAG")
	}
	var cfg imageConfig
	inspect(t, &cfg, "image", "inspect", *image)

	// One container, created and never started: its file system is the image's, and its config
	// is what the engine will run (podman's docker-compatible API leaves the health check out of
	// image inspect, but not out of the container's config).
	out, err := cli("create", *image)
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	created := strings.TrimSpace(out)
	// Best effort: the container is removed whatever fails below.
	defer cli("rm", "-f", created)
	var ctr struct {
		Config struct{ Healthcheck *healthConfig }
	}
	inspect(t, &ctr, "container", "inspect", created)
	health := cfg.Config.Healthcheck
	for _, h := range []*healthConfig{cfg.Healthcheck, ctr.Config.Healthcheck} {
		if health == nil {
			health = h
		}
	}

	t.Run("user", func(t *testing.T) {
		// Numeric uid (and gid): Kubernetes' runAsNonRoot cannot resolve a user name.
		if !regexp.MustCompile(`^[0-9]+(:[0-9]+)?$`).MatchString(cfg.Config.User) {
			t.Fatalf("user: the image runs as %q; want a numeric non-root uid:gid such as 65532:65532", cfg.Config.User)
		}
		if uid, _ := strconv.Atoi(strings.SplitN(cfg.Config.User, ":", 2)[0]); uid == 0 {
			t.Fatalf("user: the image runs as root (%q)", cfg.Config.User)
		}
	})
	t.Run("entrypoint", func(t *testing.T) {
		// Shell form becomes [/bin/sh -c ...]: no shell in scratch, and the shell swallows SIGTERM.
		ep := cfg.Config.Entrypoint
		if len(ep) == 0 || !strings.HasPrefix(ep[0], "/") || (len(ep) > 1 && ep[1] == "-c") {
			t.Fatalf("entrypoint: %q is not exec form (want [\"/path/to/binary\", ...])", ep)
		}
	})
	t.Run("port", func(t *testing.T) {
		if _, ok := cfg.Config.ExposedPorts[containerPort+"/tcp"]; !ok {
			t.Fatalf("port: %s/tcp is not exposed (exposed: %v)", containerPort, keys(cfg.Config.ExposedPorts))
		}
	})
	t.Run("healthcheck", func(t *testing.T) {
		has := health != nil && len(health.Test) > 0 && health.Test[0] != "NONE"
		if has != wantHealthcheck {
			t.Fatalf("healthcheck: HEALTHCHECK in image = %v, want %v (podman: build with the docker format, "+
				"BUILDAH_FORMAT=docker; the OCI format drops it)", has, wantHealthcheck)
		}
	})
	t.Run("run", func(t *testing.T) { runContainer(t, health) })
	entries, exportErr := exportFiles(created)
	t.Run("files", func(t *testing.T) { checkFiles(t, entries, exportErr) })
	t.Run("size", func(t *testing.T) {
		if exportErr != nil {
			t.Fatalf("size: %v", exportErr)
		}
		// The bytes of the image's files, the same measure on every engine: `image inspect`'s
		// Size is the uncompressed layers on podman but the compressed content on Docker's
		// containerd image store (3.0 MB against 6.85 MB for the same scratch image).
		var bytes int64
		for _, e := range entries {
			bytes += e.size
		}
		mb := float64(bytes) / 1e6
		t.Logf("size: %.1f MB (budget %.1f MB): %d bytes of files", mb, *maxMB, bytes)
		if mb > *maxMB {
			t.Fatalf("size: %.1f MB is over the budget of %.1f MB (make verify VERIFY_MAX_MB=...)", mb, *maxMB)
		}
	})
}

// runContainer runs the image as a locked-down cluster would, then checks /healthz from the
// host, the image's own health check, and a graceful stop.
func runContainer(t *testing.T, health *healthConfig) {
	hostPort := freePort(t)
	name := fmt.Sprintf("verify-%d", time.Now().UnixNano())
	if _, err := cli("run", "-d", "--name", name, "-p", "127.0.0.1:"+hostPort+":"+containerPort,
		"--read-only", "--cap-drop", "ALL", "--security-opt", "no-new-privileges", *image); err != nil {
		t.Fatalf("run: %v", err)
	}
	// Best effort: the container is removed whatever failed above.
	defer cli("rm", "-f", name)
	logs := func() string { out, _ := cli("logs", name); return out }

	url := "http://127.0.0.1:" + hostPort + "/healthz"
	if err := waitOK(url, 15*time.Second); err != nil {
		t.Fatalf("healthz: %v\ncontainer logs:\n%s", err, logs())
	}
	t.Logf("healthz: %s answers 200", url)

	if health != nil && len(health.Test) > 1 && health.Test[0] != "NONE" {
		// The HEALTHCHECK command, run now with exec, the way the engine runs it: docker first
		// runs it after the 30 s interval, and podman needs systemd timers to schedule it.
		cmd := health.Test[1:]
		if health.Test[0] == "CMD-SHELL" {
			cmd = []string{"/bin/sh", "-c", strings.Join(health.Test[1:], " ")}
		}
		if out, err := cli(append([]string{"exec", name}, cmd...)...); err != nil {
			t.Fatalf("healthcheck: %q failed in the container: %v\n%s", cmd, err, out)
		}
		t.Logf("healthcheck: %q reports healthy", cmd)
	}

	start := time.Now()
	// -t: the grace period after SIGTERM, before SIGKILL (exit code 137).
	if out, err := cli("stop", "-t", strconv.Itoa(int(gracePeriod/time.Second)), name); err != nil {
		t.Fatalf("stop: %v\n%s", err, out)
	}
	took := time.Since(start)
	var state struct{ State struct{ ExitCode int } }
	inspect(t, &state, "container", "inspect", name)
	if code := state.State.ExitCode; code != 0 {
		t.Fatalf("stop: exit code %d after SIGTERM in %v (want 0 within %v: does the service handle SIGTERM?)\ncontainer logs:\n%s",
			code, took.Round(time.Millisecond), gracePeriod, logs())
	}
	t.Logf("stop: SIGTERM, exit code 0 in %v (grace period %v)", took.Round(time.Millisecond), gracePeriod)
}

// Secrets that a careless COPY or .dockerignore lets in: env files, git metadata, keys and
// certificates. The base's own trust store is not from the context, so it is allowed.
var (
	secretFile = regexp.MustCompile(`(^|/)(\.env(\..*)?|\.git|id_(rsa|dsa|ecdsa|ed25519)|.*\.(pem|key|crt|cer|p12|pfx|jks|keystore))(/|$)`)
	trustStore = regexp.MustCompile(`^(etc/ssl|etc/pki|etc/ca-certificates|usr/share/ca-certificates|usr/local/share/ca-certificates)/`)
)

// entry is one path of the image's file system; size counts regular files only.
type entry struct {
	path string
	size int64
}

// exportFiles lists the image's file system by exporting a created container, which works the
// same with docker and podman.
func exportFiles(id string) ([]entry, error) {
	cmd := exec.Command(*docker, "export", id)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("export: %v", err)
	}
	var entries []entry
	tr := tar.NewReader(out)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			_ = cmd.Wait()
			return nil, fmt.Errorf("reading the export: %v", err)
		}
		e := entry{path: strings.TrimPrefix(path.Clean("/"+h.Name), "/")}
		if h.Typeflag == tar.TypeReg {
			e.size = h.Size
		}
		entries = append(entries, e)
	}
	if err := cmd.Wait(); err != nil {
		return nil, fmt.Errorf("export: %v\n%s", err, stderr.String())
	}
	return entries, nil
}

// checkFiles fails on any file a careless COPY or .dockerignore lets in.
func checkFiles(t *testing.T, entries []entry, exportErr error) {
	if exportErr != nil {
		t.Fatalf("files: %v", exportErr)
	}
	var leaked []string
	for _, e := range entries {
		if secretFile.MatchString(e.path) && !trustStore.MatchString(e.path) {
			leaked = append(leaked, "/"+e.path)
		}
	}
	if len(leaked) > 0 {
		t.Fatalf("files: the image holds files that must not ship (check .dockerignore and COPY): %s",
			strings.Join(leaked, ", "))
	}
	t.Logf("files: %d entries, no .env*, .git, key or certificate file", len(entries))
}

// cli runs the container CLI and returns its combined output.
func cli(args ...string) (string, error) {
	out, err := exec.Command(*docker, args...).CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("%s %s: %v: %s", *docker, strings.Join(args, " "), err, bytes.TrimSpace(out))
	}
	return string(out), nil
}

// inspect decodes the first object of an `inspect` (both CLIs print a JSON array).
func inspect(t *testing.T, v any, args ...string) {
	t.Helper()
	out, err := exec.Command(*docker, args...).Output()
	if err != nil {
		t.Fatalf("%s %s: %v", *docker, strings.Join(args, " "), err)
	}
	var list []json.RawMessage
	if err := json.Unmarshal(out, &list); err != nil || len(list) == 0 {
		t.Fatalf("%s %s: unexpected output: %s", *docker, strings.Join(args, " "), out)
	}
	if err := json.Unmarshal(list[0], v); err != nil {
		t.Fatal(err)
	}
}

// freePort asks the kernel for a port that is free on 127.0.0.1 now.
func freePort(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
}

// waitOK polls url until it answers 200: the service needs a moment to start.
func waitOK(url string, timeout time.Duration) error {
	client := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(timeout)
	last := errors.New("no attempt")
	for time.Now().Before(deadline) {
		res, err := client.Get(url)
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return nil
			}
			err = fmt.Errorf("HTTP %d", res.StatusCode)
		}
		last = err
		time.Sleep(200 * time.Millisecond)
	}
	return fmt.Errorf("no 200 from %s within %v (last: %v)", url, timeout, last)
}

func keys(m map[string]struct{}) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}
