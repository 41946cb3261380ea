VIEW = "people.view_person"
CHANGE = "people.change_person"
