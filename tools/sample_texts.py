# Original texts written for neardup's samples.
HARBOUR = {
 "title": "City council approves new harbour bridge after decade of debate",
 "paras": [
  "The city council on Tuesday approved plans for a new bridge across the northern harbour, ending more than ten years of argument over the cost and the route of the crossing, officials said.",
  "The four-lane bridge will link the ferry terminal with the industrial district on the far shore and is expected to cut the morning commute for about forty thousand residents by a quarter of an hour.",
  "Mayor Elena Petrova told reporters that the vote was a turning point for the region. \"For a decade we argued about where the bridge should go. Today we decided to build it,\" she said.",
  "Construction is due to begin next spring and to last three years. The council estimates the total cost at 420 million, two thirds of which will come from a regional infrastructure fund.",
  "Opponents of the project, among them several fishing cooperatives, say the piers will disturb spawning grounds at the mouth of the river. They have promised to challenge the decision in court.",
  "An environmental review published last month found that the impact on fish stocks would be limited if work in the water stopped during the spawning season, a condition the council has accepted.",
  "Shipping companies welcomed the vote but asked for a higher clearance under the main span so that larger container vessels can still reach the inner port.",
  "The council will open the tender for the construction contract in January, a spokesman said.",
 ]}

CAPTION = "Volunteers carry sandbags along the river embankment as water levels rise after three days of heavy rain."
CAPTION_CREDIT = CAPTION + " (Photo: Marta Lind / Herald)"

FLOOD = {
 "title": "Volunteers race to protect old town as river keeps rising",
 "paras": [
  "Hundreds of volunteers worked through the night to shore up the embankment of the old town as the river rose to its highest level in twenty years, the regional emergency service said on Saturday.",
  "Firefighters pumped water from cellars along the market square while residents moved furniture and documents to upper floors.",
  "Forecasters expect the rain to ease on Sunday evening, but warned that the river would keep rising for at least another day as water arrives from the mountains upstream.",
  "The emergency service asked drivers to avoid the lower bridge, which was closed to traffic on Friday afternoon as a precaution.",
 ]}

FESTIVAL = {
 "title": "Summer jazz festival moves to the old shipyard",
 "paras": [
  "The city's summer jazz festival will leave the concert hall this year and take over the halls of the old shipyard, the organisers announced on Thursday.",
  "The festival director said the move would double the number of seats and let the programme grow from four evenings to a full week of concerts.",
  "Tickets go on sale at the beginning of May. Residents of the harbour district will be offered a discount on the opening night.",
 ]}

SCHOOL = {
 "title": "Regional schools to hire two hundred new teachers",
 "paras": [
  "The regional education office will hire two hundred new teachers before the autumn term to reduce class sizes in primary schools, the head of the office said on Monday.",
  "Most of the new posts will go to schools in the fast-growing suburbs, where classes of more than thirty pupils have become common.",
  "Teachers' unions welcomed the plan but said it would not be enough to replace the staff expected to retire over the next five years.",
  "The office also plans to offer housing support to teachers who move to rural schools, where several posts have stayed empty for more than a year.",
 ]}

MARKET = {
 "title": "Farmers' market returns to the cathedral square",
 "paras": [
  "The weekly farmers' market returns to the cathedral square on Saturday after a winter break, with more than sixty stalls selling vegetables, cheese, bread and flowers.",
  "The market association said it had agreed with the city to keep the square closed to cars until two in the afternoon so that visitors can move freely between the stalls.",
  "The river flooded the lower part of the square two years ago, and the association said volunteers had helped it prepare a plan for moving the stalls quickly if the water rises again.",
  CAPTION,
  "Stallholders will also accept card payments this season for the first time.",
 ]}

TRAM = {
 "title": "Night trams to run every fifteen minutes from June",
 "paras": [
  "Night trams on the three main lines will run every fifteen minutes from the first of June, the public transport company said on Wednesday, doubling the current frequency on weekend nights.",
  "The company said the change followed a survey in which night-shift workers and students asked for more frequent connections between the centre and the outer districts.",
  "The extra services will cost about two million a year and will be paid for by the city for a trial period of eighteen months.",
  "A spokeswoman said the company would also add security staff on the busiest night routes and install new lighting at twelve stops.",
  "If the trial succeeds, the night service could be extended to the two bus lines that serve the airport.",
 ]}

LIBRARY = {
 "title": "Central library to stay open until midnight during exams",
 "paras": [
  "The central library will stay open until midnight during the university examination period, the library board decided on Friday.",
  "Students had collected more than three thousand signatures asking for longer opening hours after the reading rooms filled up by mid-morning last year.",
  "The board said the longer hours would be staffed by volunteers and by student assistants, and that the cost would be shared with the university.",
 ]}

# short articles for the tech site (each shorter than the site's template)
SHORTS = [
 ("Chip maker opens design centre", "A chip maker opened a design centre in the science park on Monday, creating sixty engineering jobs."),
 ("Start-up raises seed funding", "A local start-up that builds scheduling software for clinics raised two million in seed funding."),
 ("Data centre to reuse waste heat", "The new data centre by the ring road will send its waste heat to the district heating network next winter."),
 ("University launches robotics course", "The technical university will offer a master's course in field robotics from September."),
 ("Broadband reaches last villages", "Fibre broadband now reaches every village in the county after the final cables were laid this week."),
]

WIRE_QUOTE = "\"We will not accept any plan that moves costs onto households that are already struggling with higher prices for energy, food and rent,\" the statement from the coalition of tenant groups said."

FESTIVAL_LINEUP = {
 "title": "Jazz festival names its headliners",
 "paras": [
  "A trio from Copenhagen and a big band from New Orleans will headline this summer's jazz festival, the organisers said on Monday, adding that more than half of the evenings are already close to sold out.",
  "The programme also includes a late-night series for young local musicians in the former boiler house.",
 ]}
