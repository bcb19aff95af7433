#pragma once
// The one engine the console's window is built over, whichever session runs it: the embedded
// EngineSession or a RemoteEngineSession. The window, its SnapshotFeed and its pages keep this
// object for their lifetime; switching between an embedded and a remote engine re-points it, so
// the same dashboard and tuning page serve both. Everything happens on the GUI thread.
#include <memory>

#include "ui/session/engine_control.h"
#include "ui/session/snapshot_feed.h"

namespace spillway {

class ActiveEngine : public EngineControl {
public:
    // `control` and `snapshots` belong to the same session and must outlive their use here.
    void use(EngineControl* control, SnapshotProvider snapshots);
    void clear() { use(nullptr, {}); }
    EngineControl* current() const { return control_; }

    // For the window's SnapshotFeed: null while no session is chosen.
    std::shared_ptr<const Snapshot> snapshot() const;

    std::string apply_knobs(const Knobs& knobs, const std::string& origin) override;
    std::optional<Knobs> knobs() const override;
    std::vector<KnobChange> knob_history() const override;
    std::map<std::string, std::string> kafka_properties() const override;

private:
    EngineControl* control_ = nullptr;
    SnapshotProvider snapshots_;
};

}  // namespace spillway
