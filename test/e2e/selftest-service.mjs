// The self-tests' service: a tiny hand-written stdlib Go service and a Dockerfile shaped like the
// generated ones (its `# syntax` line included), for engine.test.mjs (podman) and
// engine-docker.test.mjs (the suite's Docker Engine).
import fsp from 'node:fs/promises';
import path from 'node:path';

/** @param {string} GO the builder's Go minor */
export function selfTestFiles(GO) {
  const MAIN_GO = `package main

  import (
  	"context"
  	"errors"
  	"flag"
  	"log/slog"
  	"net/http"
  	"os"
  	"os/signal"
  	"syscall"
  	"time"
  )

  var version = "dev"

  func main() {
  	healthcheck := flag.Bool("healthcheck", false, "probe /healthz on the local server and exit 0 when healthy")
  	flag.Parse()
  	port := os.Getenv("PORT")
  	if port == "" {
  		port = "8080"
  	}
  	if *healthcheck {
  		client := http.Client{Timeout: 2 * time.Second}
  		res, err := client.Get("http://127.0.0.1:" + port + "/healthz")
  		if err != nil || res.StatusCode != http.StatusOK {
  			os.Exit(1)
  		}
  		os.Exit(0)
  	}
  	log := slog.New(slog.NewJSONHandler(os.Stdout, nil))
  	mux := http.NewServeMux()
  	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
  		w.Header().Set("Content-Type", "application/json")
  		_, _ = w.Write([]byte("{\\"status\\":\\"ok\\",\\"version\\":\\"" + version + "\\"}"))
  	})
  	srv := &http.Server{Addr: ":" + port, Handler: mux, ReadHeaderTimeout: 5 * time.Second}
  	ctx, stopSignals := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
  	defer stopSignals()
  	go func() {
  		log.Info("listening", "addr", srv.Addr, "version", version)
  		if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
  			log.Error("listen", "err", err)
  			os.Exit(1)
  		}
  	}()
  	<-ctx.Done()
  	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
  	defer cancel()
  	if err := srv.Shutdown(shutdownCtx); err != nil {
  		log.Error("shutdown", "err", err)
  		os.Exit(1)
  	}
  	log.Info("stopped")
  }
  `;

  const DOCKERFILE = `# syntax=docker/dockerfile:1
  FROM --platform=$BUILDPLATFORM golang:${GO}-alpine AS build
  WORKDIR /src
  COPY go.mod ./
  RUN --mount=type=cache,target=/go/pkg/mod go mod download
  ARG TARGETOS TARGETARCH
  COPY . .
  ARG VERSION=dev
  RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \\
      CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH go build -trimpath -buildvcs=false -ldflags "-s -w -X main.version=$VERSION" -o /out/app .

  FROM scratch
  COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
  COPY passwd /etc/passwd
  COPY group /etc/group
  COPY --from=build /out/app /app
  USER 65532:65532
  EXPOSE 8080
  ENTRYPOINT ["/app"]
  HEALTHCHECK --interval=5s --timeout=3s --start-period=2s --retries=3 CMD ["/app", "-healthcheck"]
  `;
  return { MAIN_GO, DOCKERFILE };
}

/**
 * Writes the service and its Dockerfile into ctx.
 * @param {string} ctx @param {string} GO
 */
export async function writeSelfTest(ctx, GO) {
  const { MAIN_GO, DOCKERFILE } = selfTestFiles(GO);
  await fsp.writeFile(path.join(ctx, 'go.mod'), `module example.com/hello\n\ngo ${GO}\n`);
  await fsp.writeFile(path.join(ctx, 'main.go'), MAIN_GO);
  await fsp.writeFile(path.join(ctx, 'Dockerfile'), DOCKERFILE);
  await fsp.writeFile(path.join(ctx, '.dockerignore'), 'Dockerfile\n.dockerignore\n');
  await fsp.writeFile(
    path.join(ctx, 'passwd'),
    'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/nonexistent:/sbin/nologin\n',
  );
  await fsp.writeFile(path.join(ctx, 'group'), 'root:x:0:\nnonroot:x:65532:\n');
}
