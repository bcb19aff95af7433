#pragma once
// A rounded, lightly bordered panel painted from the palette: the common frame of tiles and charts.
#include <QFrame>

namespace spillway {

class Card : public QFrame {
    Q_OBJECT
public:
    explicit Card(QWidget* parent = nullptr);

protected:
    void paintEvent(QPaintEvent* event) override;
};

}  // namespace spillway
