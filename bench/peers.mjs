// The Dockerfiles we compare against, each written from its description (not copied): the seed
// article's two, docker init's Go layout and ko's defaults. They build the same service source
// as ours. Go is pinned to PEER_GO_VERSION and alpine to 3.24 in all of them, as in ours, so that
// only the layout differs. `golang:<PEER_GO_VERSION>` resolves to the same local builder stand-in as ours.
import { GO_VERSIONS } from '../dist/image/go.js';

/** Published, uncompressed amd64 sizes of the real base images (stand-ins differ: see RESULTS.md). */
/** The Go every Dockerfile of the bench builds with: the oldest supported release. */
export const PEER_GO_VERSION = GO_VERSIONS[0];

export const PUBLISHED_BASES = {
  alpine: {
    ref: 'alpine:3.24',
    bytes: 7_800_000,
    source:
      'estimate: ≈ 7.8 MB uncompressed for alpine 3.24 (amd64), not verifiable offline; for scale, dotnet/dotnet-docker#4784 lists alpine 3.18 at 7.33 MB',
  },
  distroless: {
    ref: 'gcr.io/distroless/static-debian13:nonroot',
    bytes: 2 * 1024 * 1024,
    source: 'the distroless README: "around 2 MiB" for gcr.io/distroless/static-debian13',
  },
};

/**
 * @typedef {object} Peer
 * @property {string} id
 * @property {string} label
 * @property {string} summary          what the layout does, for the table
 * @property {string} dockerfile
 * @property {'measured'|'computed'} how  computed: the final stage needs a package manager
 *   (`apk add`) that the local alpine stand-in lacks, so only its builder stage is built
 * @property {string} binaryPath       where the binary is, in the final image (measured) or in
 *   the builder stage (computed)
 * @property {string} [target]         the builder stage, built alone for a computed row
 * @property {'alpine'|'distroless'|null} base  the stand-in base of the final image
 * @property {string} [note]
 */

/** @type {Peer[]} */
export const PEERS = [
  {
    id: 'seed-a',
    label: 'seed (a): golang → alpine + apk',
    summary: '`go build -o myapp .`, alpine final with `apk add ca-certificates`',
    how: 'computed',
    target: 'builder',
    binaryPath: '/app/myapp',
    base: 'alpine',
    note: 'ca-certificates from apk not counted (a few hundred KB more): a lower bound. The stand-in builder has no gcc, so cgo was off; in the real golang image this `go build` links glibc dynamically and fails on alpine (musl)',
    dockerfile: `FROM golang:${PEER_GO_VERSION} AS builder
WORKDIR /app
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN go build -o myapp .

FROM alpine:3.24
RUN apk --no-cache add ca-certificates
WORKDIR /root/
COPY --from=builder /app/myapp .
CMD ["./myapp"]
`,
  },
  {
    id: 'seed-b',
    label: 'seed (b): -a -installsuffix cgo → scratch',
    summary: '`CGO_ENABLED=0 GOOS=linux go build -a -installsuffix cgo`, scratch final',
    how: 'measured',
    binaryPath: '/main',
    base: null,
    note: 'no CA bundle, runs as root',
    dockerfile: `FROM golang:${PEER_GO_VERSION} AS builder
WORKDIR /app
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 GOOS=linux go build -a -installsuffix cgo -o main .

FROM scratch
COPY --from=builder /app/main /main
CMD ["/main"]
`,
  },
  {
    id: 'docker-init',
    label: 'docker init (Go)',
    summary: 'cache + bind mounts, `CGO_ENABLED=0 go build -o /bin/server .` (unstripped), alpine final',
    how: 'computed',
    target: 'build',
    binaryPath: '/bin/server',
    base: 'alpine',
    note: 'apk ca-certificates + tzdata and the adduser layer not counted: a lower bound. Bind-mount targets written absolute (/src/…): buildah 1.28 rejects relative ones',
    dockerfile: `ARG GO_VERSION=${PEER_GO_VERSION}
FROM --platform=$BUILDPLATFORM golang:\${GO_VERSION} AS build
WORKDIR /src
RUN --mount=type=cache,target=/go/pkg/mod/ \\
    --mount=type=bind,source=go.sum,target=/src/go.sum \\
    --mount=type=bind,source=go.mod,target=/src/go.mod \\
    go mod download -x
ARG TARGETARCH
RUN --mount=type=cache,target=/go/pkg/mod/ \\
    --mount=type=bind,target=/src \\
    CGO_ENABLED=0 GOARCH=$TARGETARCH go build -o /bin/server .

FROM alpine:3.24 AS final
RUN --mount=type=cache,target=/var/cache/apk \\
    apk --update add ca-certificates tzdata && update-ca-certificates
ARG UID=10001
RUN adduser --disabled-password --gecos "" --home "/nonexistent" \\
    --shell "/sbin/nologin" --no-create-home --uid "\${UID}" appuser
USER appuser
COPY --from=build /bin/server /bin/
EXPOSE 8080
ENTRYPOINT [ "/bin/server" ]
`,
  },
  {
    id: 'ko',
    label: 'ko defaults',
    summary: '`-trimpath`, not stripped, static nonroot distroless base',
    how: 'measured',
    binaryPath: '/ko-app/hello',
    base: 'distroless',
    note: "ko's own default base is cgr.dev/chainguard/static, of the same kind; ko is not installable here, so this Dockerfile does what ko does",
    dockerfile: `FROM golang:${PEER_GO_VERSION} AS build
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 GOOS=linux GOARCH=amd64 go build -trimpath -o /ko-app/hello .

FROM gcr.io/distroless/static-debian13:nonroot
COPY --from=build /ko-app/hello /ko-app/hello
ENV KO_DATA_PATH=/var/run/ko
ENTRYPOINT ["/ko-app/hello"]
`,
  },
];

/** The baseline for the service measurements: the smallest net/http server there is. */
export const BASELINE_MAIN_GO = `// A minimal net/http hello server: the baseline of bench/run.mjs.
package main

import (
	"net/http"
	"os"
)

func main() {
	http.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte("hello\\n"))
	})
	port := os.Getenv("PORT")
	if port == "" {
		port = "8080"
	}
	if err := http.ListenAndServe(":"+port, nil); err != nil {
		os.Exit(1)
	}
}
`;
