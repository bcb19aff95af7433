#pragma once
// The embedded demo's levers: the load generator's rate, payload size and shares, and the faults
// an operator can inject (stop the embedded PostgreSQL, take a mock broker down). The console's
// EngineSession implements it over the SessionHost; tests use a fake.
#include <QString>
#include <functional>

#include "core/session/demo_status.h"

namespace spillway {

class DemoControl {
public:
    // Called on the GUI thread once the action is done: an empty error means it worked.
    using Done = std::function<void(const QString& error)>;

    virtual ~DemoControl() = default;

    virtual DemoStatus demo_status() const = 0;

    // Immediate: the generator picks them up with its next message.
    virtual void set_load_rate(double rate_per_sec) = 0;
    virtual void set_load_paused(bool paused) = 0;
    virtual void set_payload_bytes(int payload_bytes) = 0;
    virtual void set_shares(double duplicate_share, double malformed_share) = 0;

    // Asynchronous, off the GUI thread: stopping or starting PostgreSQL takes about a second.
    virtual void set_database_running(bool running, Done done) = 0;
    virtual void set_broker_down(int broker_id, bool down, Done done) = 0;
};

}  // namespace spillway
