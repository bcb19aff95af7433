#pragma once
// Reads a running spillway's /metrics (--listen) the way Prometheus does: one plain HTTP GET on
// loopback, then the samples by name and labels. Any thread; each call opens its own connection.
#include <map>
#include <optional>
#include <string>

namespace spillway::bench {

// The body of GET /metrics from 127.0.0.1:port, or empty when nothing answered with 200 in time.
std::optional<std::string> scrape_metrics(int port, int timeout_ms = 2000);

// Every sample as "name" or "name{labels}" -> value, exactly as the exposition text spells it.
std::map<std::string, double> parse_metrics(const std::string& text);

// A free TCP port on 127.0.0.1 at the time of asking (the kernel's choice for port 0).
int free_loopback_port();

}  // namespace spillway::bench
