#pragma once
// What the console may ask of the engine besides its snapshots: change the knobs, read them and
// their history, and read the consumer settings it was started with. The console's EngineSession
// implements it over whatever engine it runs; EngineRef wraps one Engine (tests, tools). None of
// these calls does I/O: each takes at most a short lock inside the engine.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/pipeline/knobs.h"

namespace spillway {

class Engine;

class EngineControl {
public:
    virtual ~EngineControl() = default;

    // Empty when applied; otherwise why not, in the engine's words (also when no engine runs).
    virtual std::string apply_knobs(const Knobs& knobs, const std::string& origin) = 0;
    // The knobs in force; nullopt while no engine runs.
    virtual std::optional<Knobs> knobs() const = 0;
    // Every accepted change since the engine started, oldest first.
    virtual std::vector<KnobChange> knob_history() const = 0;
    // The librdkafka properties the consumer was created with (our overrides only).
    virtual std::map<std::string, std::string> kafka_properties() const = 0;
};

// An EngineControl over one Engine that outlives it.
class EngineRef : public EngineControl {
public:
    explicit EngineRef(Engine& engine) : engine_(engine) {}

    std::string apply_knobs(const Knobs& knobs, const std::string& origin) override;
    std::optional<Knobs> knobs() const override;
    std::vector<KnobChange> knob_history() const override;
    std::map<std::string, std::string> kafka_properties() const override;

private:
    Engine& engine_;
};

}  // namespace spillway
