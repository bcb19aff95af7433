#pragma once
// The embedded demo's state as a value: the load generator's settings and counts and which
// faults are injected. SessionHost publishes it; the console's demo page shows it. Any thread.
#include <vector>

#include "core/demo/load_generator.h"

namespace spillway {

struct DemoStatus {
    bool available = false;  // an embedded demo is running
    double rate_per_sec = 0;
    bool load_paused = false;  // the generator produces nothing until resumed
    int payload_bytes = 0;
    double duplicate_share = 0;
    double malformed_share = 0;
    bool database_embedded = false;
    bool database_running = false;
    std::vector<bool> broker_down;  // index = broker id - 1; empty without the embedded Kafka
    bool busy = false;              // a database or broker action is under way
    LoadGeneratorStats load;
};

}  // namespace spillway
