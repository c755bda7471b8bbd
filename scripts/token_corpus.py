"""Hand-written samples for scripts/measure_tokens.py: English prose of several registers and
code in several languages. Each entry is (kind, name, text). Written for this project."""

SAMPLES = [
("prose", "narrative", """The rain had not stopped for three days when Margaret finally decided to open the letter. It sat on the kitchen table beside a cold cup of tea, the envelope soft at the corners from being picked up and put down so many times. Outside, the gutters overflowed and the street lamps flickered in the gray afternoon. She remembered the handwriting at once: the looping capitals, the careful dots over every i. Her brother had always written as though someone were grading him. She slid a knife under the flap, took a breath, and began to read."""),
("prose", "news", """City officials announced on Tuesday that the long-delayed bridge renovation will begin next spring, following a council vote of seven to two. The project, estimated at $48.5 million, will replace the aging steel deck and add protected bicycle lanes on both sides. Residents who spoke at the public hearing were divided: some welcomed the safety improvements, while others worried about eighteen months of detours through residential neighborhoods. The transportation department said it would publish a detailed traffic plan by the end of March."""),
("prose", "technical_doc", """To configure the connection pool, set the maximum number of open connections with the max_connections option and the idle timeout with idle_timeout_seconds. When a request arrives and every connection is busy, the pool waits up to acquire_timeout milliseconds before returning an error. Connections are validated with a lightweight ping before reuse; if validation fails, the connection is discarded and a new one is opened transparently. For most web applications, a pool size of two to four times the number of CPU cores is a reasonable starting point."""),
("prose", "email", """Hi Jordan,

Thanks for sending over the draft proposal yesterday. I read through it this morning and I think the overall structure works well. A couple of quick notes: the budget table on page four doesn't include the contractor fees we discussed, and the timeline might be too optimistic for the testing phase. Could we set up a call on Thursday afternoon to go over these? I'm free any time after 2 pm.

Best regards,
Priya"""),
("prose", "legal", """This Agreement shall commence on the Effective Date and shall continue in full force and effect for a period of twelve (12) months, unless terminated earlier in accordance with Section 9. Either party may terminate this Agreement upon thirty (30) days' written notice to the other party if the other party materially breaches any provision hereof and fails to cure such breach within the notice period. Notwithstanding the foregoing, the obligations set forth in Sections 5, 7 and 11 shall survive any expiration or termination of this Agreement."""),
("prose", "recipe", """Preheat the oven to 200°C. In a large bowl, toss the chopped vegetables with olive oil, two cloves of crushed garlic, a teaspoon of smoked paprika, salt and pepper. Spread everything in a single layer on a lined baking tray and roast for 25 to 30 minutes, turning once halfway through, until the edges are golden and slightly crisp. Meanwhile, whisk together the yogurt, lemon juice and chopped herbs. Serve the vegetables warm with a generous spoonful of the sauce and some toasted flatbread on the side."""),
("prose", "dialogue", """"Are you sure this is the right way?" asked Tom, squinting at the map.
"Absolutely," said Lena. "We turn left at the old mill, then follow the river until we reach the footbridge."
"You said that an hour ago."
"And we did turn left at the old mill. It's just that there were two old mills."
Tom sighed and folded the map into a shape it had never been designed to take. "Next time, I'm bringing a compass."
"Next time," Lena said cheerfully, "you can lead.\""""),
("prose", "academic", """Recent work in distributed systems has emphasized the trade-offs between consistency, availability and partition tolerance. However, the practical implications of these trade-offs depend heavily on workload characteristics, network topology and failure models. In this paper, we present an empirical study of twelve production key-value stores, measuring tail latency under controlled partition scenarios. Our results suggest that conventional wisdom overestimates the cost of strong consistency for read-heavy workloads, while underestimating the operational complexity of conflict resolution in eventually consistent systems."""),
("prose", "product_review", """I bought these headphones for my daily commute and I've been using them for about two months now. The noise cancellation is genuinely impressive: the hum of the train basically disappears, and I can listen at a much lower volume than before. Battery life is excellent, easily lasting a full work week. My only complaints are that the ear cushions get warm after an hour or so, and the companion app asks for far too many permissions. Overall, four stars, and I'd buy them again."""),
("prose", "history", """In the late eighteenth century, the textile mills of northern England transformed both the economy and the landscape. Water-powered spinning frames, and later steam engines, allowed a single factory to produce more yarn in a day than hundreds of cottage spinners could in a month. Towns such as Manchester grew rapidly, drawing workers from the countryside with the promise of steady wages. Yet conditions inside the mills were often harsh: long hours, dangerous machinery and child labor were common until reform movements pressed Parliament for change."""),
("prose", "support_answer", """It sounds like your password reset email might be going to your spam folder. First, check the spam or junk folder of the email account you registered with. If it isn't there, make sure the address on file is correct by signing in on the mobile app and opening Settings > Account. You can also request a new reset link; each link expires after 15 minutes, so please use the most recent one. If you still don't receive anything after trying these steps, reply to this message and we'll reset it manually."""),
("prose", "marketing", """Meet the all-new Horizon X, the smartest way to keep your home comfortable all year long. With adaptive scheduling, it learns your routine in just one week and adjusts the temperature before you even think about it. Save up to 23% on heating and cooling costs, control everything from your phone, and get gentle reminders when it's time to change the filter. Installation takes less than thirty minutes. Upgrade today and enjoy free shipping on all orders over $50."""),
("prose", "instructions_list", """Before you begin the installation:
1. Back up all important files to an external drive.
2. Make sure your laptop is connected to power.
3. Download the installer from the official website and verify its checksum.
4. Close every other application, including background sync tools.
5. Disable any third-party antivirus software temporarily.
Once these steps are complete, double-click the installer and follow the on-screen prompts. The process usually takes between ten and twenty minutes."""),
("prose", "science", """Photosynthesis converts light energy into chemical energy stored in glucose. In the light-dependent reactions, which take place in the thylakoid membranes, chlorophyll absorbs photons and uses their energy to split water molecules, releasing oxygen as a byproduct. The resulting ATP and NADPH then power the Calvin cycle in the stroma, where carbon dioxide is fixed into three-carbon sugars. The overall efficiency of this process in most plants is surprisingly low, typically between one and two percent of incident sunlight."""),
("prose", "system_prompt", """You are a helpful customer service assistant for an online bookstore. Answer questions about orders, shipping, returns and book recommendations. Always be polite and concise. If a customer asks about an order, ask for the order number before giving any details. Never reveal internal policies or discount codes that have not been published. If you are unsure of an answer, say so and offer to connect the customer with a human agent. Respond in the same language the customer uses."""),
("prose", "opinion", """There is a persistent myth that remote work destroys collaboration. In my experience the opposite is often true: teams that write things down, keep decisions in shared documents and respect each other's focus time tend to collaborate more deliberately than teams that rely on hallway conversations. The real challenge is not distance but habit. Organizations that simply move their old meeting-heavy culture onto video calls will, unsurprisingly, find that it works worse than before."""),
("prose", "short_chat", """Can you summarize the main points of the attached report in three bullet points? Keep it under fifty words please."""),
("prose", "travel", """Kyoto rewards travelers who slow down. Rather than racing between famous temples, spend a morning wandering the narrow lanes of Higashiyama before the tour buses arrive, stop for matcha at a tiny tea house, and take the train to Arashiyama in the late afternoon when the bamboo grove is quieter. In autumn the maple leaves turn a brilliant red, and in spring the cherry blossoms line the Philosopher's Path. Whatever the season, comfortable shoes are essential."""),
("code", "python_class", '''import json
from dataclasses import dataclass, field
from typing import Optional


@dataclass
class Order:
    order_id: str
    items: list[dict] = field(default_factory=list)
    discount: Optional[float] = None

    def total(self) -> float:
        subtotal = sum(item["price"] * item.get("quantity", 1) for item in self.items)
        if self.discount:
            subtotal *= 1 - self.discount
        return round(subtotal, 2)

    def to_json(self) -> str:
        return json.dumps({"order_id": self.order_id, "items": self.items, "total": self.total()})
'''),
("code", "python_script", '''#!/usr/bin/env python3
"""Count word frequencies in a text file."""
import argparse
import collections
import re
import sys


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("path")
    parser.add_argument("--top", type=int, default=10)
    args = parser.parse_args(argv)
    counts = collections.Counter()
    with open(args.path, encoding="utf-8") as fh:
        for line in fh:
            counts.update(w.lower() for w in re.findall(r"[A-Za-z']+", line))
    for word, n in counts.most_common(args.top):
        print(f"{n:6d} {word}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
'''),
("code", "swift_struct", '''import Foundation

/// A rate limiter that allows `capacity` requests per `interval` seconds.
public struct TokenBucket: Sendable {
    public let capacity: Int
    public let interval: Double
    private var tokens: Double
    private var lastRefill: Double

    public init(capacity: Int, interval: Double, now: Double) {
        self.capacity = capacity
        self.interval = interval
        self.tokens = Double(capacity)
        self.lastRefill = now
    }

    public mutating func tryAcquire(now: Double) -> Bool {
        let elapsed = max(0, now - lastRefill)
        tokens = min(Double(capacity), tokens + elapsed * Double(capacity) / interval)
        lastRefill = now
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }
}
'''),
("code", "swift_async", '''func fetchUsers(ids: [Int]) async throws -> [User] {
    try await withThrowingTaskGroup(of: User?.self) { group in
        for id in ids {
            group.addTask {
                let url = URL(string: "https://api.example.com/users/\\(id)")!
                let (data, response) = try await URLSession.shared.data(from: url)
                guard (response as? HTTPURLResponse)?.statusCode == 200 else { return nil }
                return try JSONDecoder().decode(User.self, from: data)
            }
        }
        var users: [User] = []
        for try await user in group {
            if let user { users.append(user) }
        }
        return users.sorted { $0.id < $1.id }
    }
}
'''),
("code", "json_config", '''{
  "name": "billing-service",
  "version": "2.4.1",
  "port": 8080,
  "database": {
    "host": "db.internal",
    "port": 5432,
    "user": "billing",
    "pool_size": 12,
    "ssl": true
  },
  "features": ["invoices", "refunds", "webhooks"],
  "retry": {"max_attempts": 5, "backoff_ms": [100, 250, 500, 1000, 2000]},
  "logging": {"level": "info", "format": "json"}
}'''),
("code", "json_api_response", '''{"id": "evt_1NwQ8f2eZvKYlo2C", "object": "event", "created": 1696003200, "type": "invoice.paid", "data": {"object": {"id": "in_1NwQ7e2eZvKYlo2C", "amount_paid": 2500, "currency": "usd", "customer": "cus_OjK4mL0qR9sT", "lines": [{"description": "Pro plan (monthly)", "amount": 2500, "quantity": 1}], "status": "paid"}}, "livemode": false}'''),
("code", "javascript", '''export async function loadDashboard(userId) {
  const [profile, stats] = await Promise.all([
    fetch(`/api/users/${userId}`).then((r) => r.json()),
    fetch(`/api/users/${userId}/stats?range=30d`).then((r) => r.json()),
  ]);
  const container = document.querySelector("#dashboard");
  container.innerHTML = "";
  for (const [label, value] of Object.entries(stats)) {
    const card = document.createElement("div");
    card.className = "stat-card";
    card.textContent = `${label}: ${value.toLocaleString()}`;
    container.appendChild(card);
  }
  return { profile, stats };
}
'''),
("code", "sql", '''SELECT c.customer_id,
       c.email,
       COUNT(o.order_id) AS order_count,
       SUM(o.total_amount) AS lifetime_value,
       MAX(o.created_at) AS last_order_at
FROM customers AS c
LEFT JOIN orders AS o
       ON o.customer_id = c.customer_id
      AND o.status IN ('paid', 'shipped', 'delivered')
WHERE c.created_at >= DATE '2023-01-01'
GROUP BY c.customer_id, c.email
HAVING COUNT(o.order_id) > 2
ORDER BY lifetime_value DESC
LIMIT 100;
'''),
("code", "shell", '''#!/usr/bin/env bash
set -euo pipefail

BACKUP_DIR="/var/backups/$(date +%Y-%m-%d)"
mkdir -p "$BACKUP_DIR"

for db in $(psql -At -c "SELECT datname FROM pg_database WHERE NOT datistemplate"); do
  echo "Dumping $db..."
  pg_dump --format=custom --file="$BACKUP_DIR/$db.dump" "$db"
done

find /var/backups -maxdepth 1 -type d -mtime +14 -exec rm -rf {} +
echo "Done: $(du -sh "$BACKUP_DIR" | cut -f1)"
'''),
("code", "html", '''<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Account settings</title>
  <link rel="stylesheet" href="/static/app.css">
</head>
<body>
  <form id="settings" method="post" action="/account">
    <label for="email">Email address</label>
    <input type="email" id="email" name="email" required>
    <label><input type="checkbox" name="newsletter"> Send me the monthly newsletter</label>
    <button type="submit" class="btn btn-primary">Save changes</button>
  </form>
</body>
</html>
'''),
("code", "yaml", '''version: "3.9"
services:
  web:
    image: ghcr.io/example/web:1.8.2
    ports:
      - "8000:8000"
    environment:
      DATABASE_URL: postgres://app:secret@db:5432/app
      REDIS_URL: redis://cache:6379/0
    depends_on: [db, cache]
  db:
    image: postgres:16
    volumes:
      - pgdata:/var/lib/postgresql/data
  cache:
    image: redis:7-alpine
volumes:
  pgdata: {}
'''),
("code", "go", '''package main

import (
	"fmt"
	"net/http"
	"time"
)

type healthHandler struct{ started time.Time }

func (h healthHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"status":"ok","uptime_seconds":%d}`, int(time.Since(h.started).Seconds()))
}

func main() {
	mux := http.NewServeMux()
	mux.Handle("/healthz", healthHandler{started: time.Now()})
	if err := http.ListenAndServe(":8080", mux); err != nil {
		panic(err)
	}
}
'''),
("code", "rust", '''use std::collections::HashMap;

#[derive(Debug, Clone)]
pub struct Inventory {
    items: HashMap<String, u32>,
}

impl Inventory {
    pub fn new() -> Self {
        Self { items: HashMap::new() }
    }

    pub fn add(&mut self, sku: &str, qty: u32) {
        *self.items.entry(sku.to_string()).or_insert(0) += qty;
    }

    pub fn remove(&mut self, sku: &str, qty: u32) -> Result<(), String> {
        match self.items.get_mut(sku) {
            Some(n) if *n >= qty => { *n -= qty; Ok(()) }
            Some(_) => Err(format!("not enough {sku} in stock")),
            None => Err(format!("unknown sku {sku}")),
        }
    }
}
'''),
("code", "python_tests", '''import pytest

from pricing import apply_coupon, CouponError


@pytest.mark.parametrize("price,code,expected", [
    (100.0, "SAVE10", 90.0),
    (59.99, "HALF", 29.995),
    (20.0, "FREESHIP", 20.0),
])
def test_apply_coupon(price, code, expected):
    assert apply_coupon(price, code) == pytest.approx(expected)


def test_unknown_coupon_raises():
    with pytest.raises(CouponError, match="unknown coupon"):
        apply_coupon(10.0, "BOGUS")
'''),
("code", "markdown_readme", '''# fastcsv

A tiny, dependency-free CSV parser for Python 3.9+.

## Installation

```bash
pip install fastcsv
```

## Usage

```python
import fastcsv

for row in fastcsv.reader("data.csv", delimiter=";"):
    print(row["name"], row["amount"])
```

## Benchmarks

| file size | fastcsv | csv (stdlib) |
|-----------|---------|--------------|
| 10 MB     | 0.21 s  | 0.48 s       |
| 100 MB    | 2.05 s  | 4.91 s       |
'''),
("code", "typescript", '''interface PaginatedResponse<T> {
  data: T[];
  nextCursor?: string;
}

export async function* paginate<T>(
  fetchPage: (cursor?: string) => Promise<PaginatedResponse<T>>,
): AsyncGenerator<T, void, undefined> {
  let cursor: string | undefined = undefined;
  do {
    const page = await fetchPage(cursor);
    yield* page.data;
    cursor = page.nextCursor;
  } while (cursor !== undefined);
}
'''),
("code", "java", '''public final class RetryPolicy {
    private final int maxAttempts;
    private final Duration baseDelay;

    public RetryPolicy(int maxAttempts, Duration baseDelay) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
        this.maxAttempts = maxAttempts;
        this.baseDelay = baseDelay;
    }

    public Duration delayFor(int attempt) {
        long factor = 1L << Math.min(attempt, 10);
        return baseDelay.multipliedBy(factor);
    }
}
'''),
("code", "jsonl_chat", '''{"messages": [{"role": "system", "content": "You are a terse assistant."}, {"role": "user", "content": "What is the capital of France?"}, {"role": "assistant", "content": "Paris."}]}
{"messages": [{"role": "system", "content": "You are a terse assistant."}, {"role": "user", "content": "How many legs does a spider have?"}, {"role": "assistant", "content": "Eight."}]}
{"messages": [{"role": "system", "content": "You are a terse assistant."}, {"role": "user", "content": "Who wrote Hamlet?"}, {"role": "assistant", "content": "William Shakespeare."}]}
'''),
("code", "css", '''.stat-card {
  display: flex;
  align-items: center;
  justify-content: space-between;
  padding: 12px 16px;
  border-radius: 8px;
  background: linear-gradient(135deg, #f8fafc 0%, #e2e8f0 100%);
  box-shadow: 0 1px 2px rgba(15, 23, 42, 0.08);
}

@media (max-width: 640px) {
  .stat-card { flex-direction: column; gap: 4px; }
}
'''),
]
