#include "bench/report.hpp"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <sstream>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace parley::bench {

void Latencies::merge(const Latencies& other) {
  samples_us_.insert(samples_us_.end(), other.samples_us_.begin(), other.samples_us_.end());
  sorted_ = false;
}

double Latencies::quantile_ms(double q) {
  if (samples_us_.empty()) return 0;
  if (!sorted_) {
    std::sort(samples_us_.begin(), samples_us_.end());
    sorted_ = true;
  }
  // Nearest rank: the smallest sample with at least q of all samples at or below it.
  auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(samples_us_.size())));
  rank = std::clamp<std::size_t>(rank, 1, samples_us_.size());
  return samples_us_[rank - 1] / 1000.0;
}

std::string describe_thread_cpu(const std::vector<ThreadCpu>& before, const std::vector<ThreadCpu>& after,
                                double wall_s, double min_percent) {
  if (wall_s <= 0) return "n/a";
  std::vector<std::pair<double, const ThreadCpu*>> busy;
  std::size_t quiet = 0;
  for (const auto& thread : after) {
    double start = 0;
    for (const auto& earlier : before) {
      if (earlier.tid == thread.tid) start = earlier.seconds;
    }
    const double percent = 100.0 * (thread.seconds - start) / wall_s;
    if (percent >= min_percent) {
      busy.emplace_back(percent, &thread);
    } else {
      ++quiet;
    }
  }
  std::stable_sort(busy.begin(), busy.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  std::ostringstream out;
  for (std::size_t i = 0; i < busy.size(); ++i) {
    if (i > 0) out << ", ";
    out << busy[i].second->name << ' ' << busy[i].second->tid << ": " << std::llround(busy[i].first);
  }
  if (quiet > 0) out << (busy.empty() ? "" : ", ") << quiet << " more under " << min_percent;
  return out.str();
}

void Row::add(std::string name, double value, int decimals) {
  cells_.push_back(Cell{std::move(name), value, decimals});
}

void Row::add(std::string name, std::string text) { cells_.push_back(Cell{std::move(name), std::move(text), 0}); }

void Row::add_cpu(std::string name, std::optional<double> percent) {
  if (percent) {
    add(std::move(name), *percent, 0);
  } else {
    add(std::move(name), std::string("n/a"));
  }
}

void Row::print_table(std::ostream& out) const {
  std::ostringstream header;
  std::ostringstream rule;
  std::ostringstream row;
  header << "| workload |";
  rule << "|---|";
  row << "| " << workload_ << " |";
  for (const auto& cell : cells_) {
    header << ' ' << cell.name << " |";
    rule << "---|";
    if (const auto* number = std::get_if<double>(&cell.value)) {
      row << ' ' << std::fixed << std::setprecision(cell.decimals) << *number << " |";
    } else {
      row << ' ' << std::get<std::string>(cell.value) << " |";
    }
  }
  header << " verified |";
  rule << "---|";
  row << ' ' << (ok() ? "ok" : "FAILED") << " |";
  out << header.str() << '\n' << rule.str() << '\n' << row.str() << '\n';
  for (const auto& p : problems_) out << "  problem: " << p << '\n';
}

void Row::print_json(std::ostream& out) const {
  boost::json::object object;
  object["workload"] = workload_;
  for (const auto& cell : cells_) {
    if (const auto* number = std::get_if<double>(&cell.value)) {
      if (cell.decimals == 0) {
        object[cell.name] = std::llround(*number);  // counts and rates read better as integers
      } else {
        double scale = std::pow(10.0, cell.decimals);
        object[cell.name] = std::round(*number * scale) / scale;
      }
    } else {
      object[cell.name] = std::get<std::string>(cell.value);
    }
  }
  object["verified"] = ok();
  boost::json::array problems;
  for (const auto& p : problems_) problems.emplace_back(p);
  object["problems"] = std::move(problems);
  out << boost::json::serialize(object) << '\n';
}

}  // namespace parley::bench
