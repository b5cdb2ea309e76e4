% # Below a list: where we are (page, total), the pages around it, and rows per page.
% # include("_pager.tpl", listing=listing, noun="products")
% import math
% total = listing.total
<nav class="pager" aria-label="Pages of {{noun}}">
  <p class="pager-status">
    % if total is None:
    Page {{listing.number}} · more than 1,000 {{noun}}
    % elif total == 0:
    No {{noun}}
    % else:
    Page {{listing.number}} of {{max(1, math.ceil(total / listing.size))}} · {{f"{total:,}"}} {{noun if total != 1 else get("one", noun[:-1])}}
    % end
  </p>
  % if listing.prev_link or listing.next_link:
  <div class="pager-links">
    % if listing.first_link and listing.number > 2:
    <a class="button button-quiet" href="{{listing.first_link}}">First page</a>
    % end
    % if listing.prev_link:
    <a class="button button-quiet" href="{{listing.prev_link}}" rel="prev">Previous page</a>
    % end
    % if listing.next_link:
    <a class="button button-quiet" href="{{listing.next_link}}" rel="next">Next page</a>
    % end
  </div>
  % end
  % if total is None or total > min(listing.sizes):
  <form method="get" action="{{listing.path}}" class="pager-size">
    % for key, value in listing.params.items():
    % if key != "size":
    <input type="hidden" name="{{key}}" value="{{value}}">
    % end
    % end
    <label for="page-size-{{noun}}">Rows per page</label>
    <select id="page-size-{{noun}}" name="size">
      % for n in listing.sizes:
      <option value="{{n}}" {{'selected' if n == listing.size else ''}}>{{n}}</option>
      % end
    </select>
    <button type="submit" class="button button-quiet button-small">Show</button>
  </form>
  % end
</nav>
