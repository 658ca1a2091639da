package main

import (
	"log/slog"
	"net/http"
)

// echoRequest is the body of POST /echo.
type echoRequest struct {
	Message string `json:"message"`
}

// echoResponse is its answer: the message back, and the request ID to quote in a bug report.
type echoResponse struct {
	Message   string `json:"message"`
	RequestID string `json:"request_id"`
}

// handleEcho is the pattern for a route that reads a body: readJSON bounds and checks it and
// answers 400 or 413 itself, and the log line carries the request ID from the context.
func handleEcho(w http.ResponseWriter, r *http.Request) {
	var req echoRequest
	if !readJSON(w, r, &req) {
		return
	}
	if req.Message == "" {
		writeError(w, http.StatusUnprocessableEntity, `"message" is required`)
		return
	}
	slog.DebugContext(r.Context(), "echo", "length", len(req.Message))
	writeJSON(w, http.StatusOK, echoResponse{Message: req.Message, RequestID: requestIDFrom(r.Context())})
}
