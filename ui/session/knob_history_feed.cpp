#include "ui/session/knob_history_feed.h"

#include <algorithm>

#include "ui/session/engine_control.h"
#include "ui/session/snapshot_feed.h"

namespace spillway {

KnobHistoryFeed::KnobHistoryFeed(SnapshotFeed* feed, EngineControl* control, QObject* parent)
    : QObject(parent), control_(control) {
    connect(feed, &SnapshotFeed::updated, this,
            [this](const std::shared_ptr<const Snapshot>& snapshot) { on_snapshot(*snapshot); });
}

void KnobHistoryFeed::reload() {
    if (control_)
        take(control_->knob_history());
}

void KnobHistoryFeed::on_snapshot(const Snapshot& s) {
    // The engine's first snapshot is a blank placeholder; its knobs are not the engine's yet.
    if (s.taken_at.time_since_epoch().count() == 0)
        return;
    const bool moved = !seen_version_ || *seen_version_ != s.knob_version;
    seen_version_ = s.knob_version;
    if (control_) {
        if (moved)
            take(control_->knob_history());
        return;
    }
    if (seen_knobs_ && moved && !(*seen_knobs_ == s.knobs)) {
        changes_.push_back({s.taken_at, *seen_knobs_, s.knobs, std::string()});
        emit appended(int(changes_.size()) - 1);
    }
    seen_knobs_ = s.knobs;
}

void KnobHistoryFeed::take(std::vector<KnobChange> history) {
    const auto same_change = [](const KnobChange& a, const KnobChange& b) {
        return a.at == b.at && a.after == b.after && a.origin == b.origin;
    };
    const bool continues =
        history.size() >= changes_.size() &&
        std::equal(changes_.begin(), changes_.end(), history.begin(), same_change);
    if (!continues) {
        changes_ = std::move(history);
        emit reset();
        return;
    }
    if (history.size() == changes_.size())
        return;
    const int first = int(changes_.size());
    changes_ = std::move(history);
    emit appended(first);
}

}  // namespace spillway
