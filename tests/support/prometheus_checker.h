#pragma once
// A strict reader of the Prometheus text exposition format 0.0.4, for tests: it parses every line
// and reports every departure from the format (and from the conventions Prometheus documents:
// counters end in _total, histograms have cumulative buckets up to le="+Inf" that equal _count).
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace spillway::test {

struct PrometheusSample {
    std::string name;
    std::map<std::string, std::string> labels;
    double value = 0;
};

struct PrometheusExposition {
    std::vector<PrometheusSample> samples;
    std::map<std::string, std::string> types;  // family -> counter, gauge, histogram, ...
    std::vector<std::string> errors;           // "line N: what is wrong"

    // The value of the one sample with this name and exactly these labels.
    std::optional<double> value(const std::string& name,
                                const std::map<std::string, std::string>& labels = {}) const;
    std::vector<const PrometheusSample*> all(const std::string& name) const;
};

PrometheusExposition parse_prometheus_text(const std::string& text);

}  // namespace spillway::test
