"""A Medium-like story page written for the browser crawler tests, and a script that makes it grow on scroll."""

from __future__ import annotations

FIRST_PARAGRAPH = "Re-running a pipeline on the same input must leave the warehouse exactly as it was."
STORY = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Idempotent ETL in practice | by Jane Doe | Medium</title>
<meta property="og:title" content="Idempotent ETL in practice">
<meta property="og:site_name" content="Medium"></head>
<body><div id="root">
 <nav><a href="/">Medium Logo</a> <a href="/app">Open in app</a> <a href="/signup">Sign up</a>
  <a href="/signin">Sign in</a> <a href="/new-story">Write</a></nav>
 <div class="meteredContent">Get unlimited access to the best of Medium for less than $1/week. Become a member</div>
 <article><div><section>
  <h1 class="pw-post-title" data-testid="storyTitle">Idempotent ETL in practice</h1>
  <h2 class="pw-subtitle-paragraph">Why re-running a pipeline must change nothing</h2>
  <div><span data-testid="authorName">Jane Doe</span> · <span data-testid="storyReadTime">4 min read</span>
   · <span data-testid="storyPublishDate">Mar 3, 2024</span></div>
  <div id="story-body">
   <p class="pw-post-body-paragraph">{FIRST_PARAGRAPH}</p>
   <h2 class="pw-post-body-paragraph">Unique keys</h2>
   <p class="pw-post-body-paragraph">Every document is keyed by its link, so a second insert is a no-op.</p>
   <pre><span>collection.create_index("link", unique=True)</span></pre>
   <ul><li class="pw-post-body-paragraph">upserts for users</li>
       <li class="pw-post-body-paragraph">deterministic ids for chunks</li></ul>
   <p class="pw-post-body-paragraph">That is all it takes to make the pipeline safe to re-run.</p>
   <div id="spacer" style="height: 2400px"></div>
  </div>
 </section></div></article>
 <div><h2>Recommended from Medium</h2><p>Ten productivity hacks you will not believe</p>
  <a href="/more">See more recommendations</a></div>
 <footer><a>Help</a> <a>Status</a> <a>About</a> <a>Careers</a> <a>Press</a> <a>Blog</a> <a>Privacy</a>
  <a>Terms</a> <a>Text to speech</a></footer>
</div>{{script}}</body></html>"""
# Appends one paragraph to the story shortly after each scroll, three at most, like lazily loaded content.
GROWING_SCRIPT = """<script>
let added = 0, pending = false;
window.addEventListener("scroll", () => {
  if (added >= 3 || pending) return;
  pending = true;
  setTimeout(() => {
    added += 1;
    const p = document.createElement("p");
    p.className = "pw-post-body-paragraph";
    p.style.minHeight = "1800px";
    p.textContent = `Lazy paragraph ${added} arrived after scrolling.`;
    document.getElementById("story-body").appendChild(p);
    pending = false;
  }, 150);
});
</script>"""
