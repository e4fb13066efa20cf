#!/usr/bin/env bash
# Records the README's "Your own stream in five minutes": types the commands into two tmux windows
# on a clean clone (./sieve up in one, the user's commands in the other), captures their text into
# <outdir>/up.txt and <outdir>/commands.txt, and takes a screenshot of the Flink web UI with
# headless Chromium (<outdir>/flink-web-ui.png; any address other than 127.0.0.1 goes to a dead
# proxy, so the browser reaches nothing else). Needs tmux, jq and chromium; deletes <clone>/.sieve.
# usage: docs/record-walkthrough.sh <clone> <outdir>
set -euo pipefail
clone=$1; out=$2; s=walk
corpus=learning/src/main/resources/dev/sieve/learning/datasets/demo-corpus.jsonl
tmux kill-session -t $s 2>/dev/null || true
tmux new-session -d -s $s -x 250 -y 50 -n up -c "$clone"
tmux new-window -t $s -n cmds -c "$clone"
tmux set-option -t $s history-limit 20000
wait_for() { # window pattern timeout_s
  for _ in $(seq 1 "$3"); do
    tmux capture-pane -p -S - -t "$s:$1" | grep -q -- "$2" && return 0; sleep 1
  done; echo "timeout waiting for '$2' in $1" >&2; tmux capture-pane -p -S - -t "$s:$1" >&2; exit 1
}
type_in() { tmux send-keys -t "$s:$1" "$2" Enter; }
run() { # a command in the cmds window, waited for; the wait-for suffix is cut from the capture
  tmux send-keys -t "$s:cmds" "$1; tmux wait-for -S walkdone" Enter
  timeout "${2:-300}" tmux wait-for walkdone
}
wait_count() { # window pattern count timeout_s
  for _ in $(seq 1 "$4"); do
    [ "$(tmux capture-pane -p -S - -t "$s:$1" | grep -c -- "$2")" -ge "$3" ] && return 0; sleep 1
  done; echo "timeout waiting for $3 x '$2' in $1" >&2; exit 1
}
rm -rf "$clone/.sieve" "$clone/my-labels.jsonl" "$clone/my-stream.jsonl"
type_in up './sieve up'
wait_for up 'sieve up: ready' 600
type_in cmds 'clear'
run './sieve classifier create topic --labels billing,shipping,bug,praise' 
run "head -200 $corpus | jq -c '{id, text, label: .label}' > my-labels.jsonl"
run './sieve import --classifier topic --file my-labels.jsonl'
for _ in $(seq 1 120); do (cd "$clone" && ./sieve models topic 2>/dev/null | grep -q ' 1 ') && break; sleep 5; done
run './sieve models topic'
run "sed -n '201,600p' $corpus | jq -c '{id, text}' > my-stream.jsonl"
run './sieve produce --file my-stream.jsonl'
sleep 20
run './sieve tail predictions --from-beginning --max 5'
run './sieve status'
tmux capture-pane -p -S - -t "$s:cmds" | sed 's/; tmux wait-for -S walkdone//' > "$out/commands.txt"
url=$(grep -o 'http://127.0.0.1:[0-9]*' <(tmux capture-pane -p -S - -t "$s:up") | tail -1)
chromium --headless=new --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --disable-default-apps --no-default-browser-check \
  --proxy-server=127.0.0.1:9 --proxy-bypass-list='127.0.0.1' --hide-scrollbars \
  --window-size=1400,860 --virtual-time-budget=15000 --user-data-dir="$out/chrome" \
  --screenshot="$out/flink-web-ui.png" "$url/#/overview" 2>"$out/chrome.log" || true
tmux send-keys -t "$s:up" C-c
wait_for up 'sieve up: stopped' 300
type_in up './sieve up'
wait_count up 'sieve up: ready' 2 600
sleep 2
tmux capture-pane -p -S - -t "$s:up" > "$out/up.txt"
tmux send-keys -t "$s:up" C-c
sleep 1
wait_count up 'stopped; ./sieve up resumes' 2 300
tmux capture-pane -p -S - -t "$s:up" > "$out/up.txt"
tmux kill-session -t $s
