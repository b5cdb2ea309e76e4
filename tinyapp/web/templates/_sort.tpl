% # A column header that sorts its list: click again to reverse. aria-sort says the order.
% # include("_sort.tpl", listing=listing, key="price", label="Price", cls="num", down=False)
% state = listing.aria_sort(key)
<th scope="col" class="sortable {{get('cls', '')}}" aria-sort="{{state}}"><a href="{{listing.sort_link(key, get('down', False))}}">{{label}}<span class="sort-mark" aria-hidden="true">{{"▲" if state == "ascending" else "▼" if state == "descending" else "↕"}}</span></a></th>
