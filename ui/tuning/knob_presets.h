#pragma once
// Named knob presets: two built in ("Low latency", "High throughput"), which set only the batching
// knobs, and the user's own, which hold a whole knob set and live in QSettings.
#include <QSettings>
#include <QString>
#include <QStringList>
#include <optional>

#include "core/pipeline/knobs.h"

namespace spillway {

class KnobPresets {
public:
    static QStringList builtinNames();
    // `base` with the preset applied; nullopt for an unknown name.
    static std::optional<Knobs> builtin(const QString& name, const Knobs& base);
    static QString builtinDescription(const QString& name);

    // Reads and writes the application's QSettings (group "tuning_presets").
    QStringList userNames() const;
    std::optional<Knobs> user(const QString& name) const;
    void saveUser(const QString& name, const Knobs& knobs);
    void removeUser(const QString& name);

private:
    mutable QSettings settings_;
};

}  // namespace spillway
